using System.Runtime.InteropServices;
using Nectar.Interop;

namespace Nectar.Maps;

/// <summary>
/// A BPF map held open by this process. Keys and values are spans of bytes or unmanaged structs;
/// their sizes are checked against the map's before the kernel sees them.
/// </summary>
public sealed unsafe partial class BpfMap : IDisposable
{
    private BpfMap(BpfFileDescriptor fd, MapAttributes attributes)
    {
        Fd = fd;
        Attributes = attributes;
    }

    private uint _id;

    public BpfFileDescriptor Fd { get; }

    /// <summary>The kernel's id for the map (as `bpftool map list` and `nectar map list` show it); asked once, then kept.</summary>
    public uint Id => _id != 0 ? _id : _id = ObjectInfo.Id(Fd);

    public MapAttributes Attributes { get; }
    public string Name => Attributes.Name;
    public MapType Type => Attributes.Type;
    public uint KeySize => Attributes.KeySize;
    public uint ValueSize => Attributes.ValueSize;
    public uint MaxEntries => Attributes.MaxEntries;

    /// <summary>Creates a map with BPF_MAP_CREATE.</summary>
    public static BpfMap Create(MapAttributes attributes, BpfFileDescriptor? btf = null)
    {
        using var innerTemplate = CreateInnerTemplate(attributes);
        var arguments = new MapCreateArguments(attributes.Name, (uint)attributes.Type, attributes.KeySize, attributes.ValueSize, attributes.MaxEntries)
        {
            Flags = (uint)attributes.Flags,
            InnerMapFd = innerTemplate is null ? 0u : (uint)innerTemplate.Fd.Value,
            NumaNode = attributes.NumaNode,
            BtfFd = btf is null ? 0u : (uint)btf.Value,
            BtfKeyTypeId = btf is null ? 0u : attributes.BtfKeyTypeId,
            BtfValueTypeId = btf is null ? 0u : attributes.BtfValueTypeId,
        };
        var fd = Bpf.MapCreate(arguments, $"Creating {attributes.Type} map '{attributes.Name}'");
        return new BpfMap(fd, attributes);
    }

    /// <summary>Wraps an fd obtained elsewhere (a pinned map, an id); the attributes describes it.</summary>
    internal static BpfMap FromFd(BpfFileDescriptor fd, MapAttributes attributes) => new(fd, attributes);

    /// <summary>
    /// Copies the value stored under <paramref name="key"/> into <paramref name="value"/>.
    /// Returns false when there is no such element.
    /// </summary>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key.Length, value.Length, ValueBytes, "value");
        return Found(Bpf.TryMapLookupElem(Fd, key, value, out int errno), errno, "Looking up an element of");
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any)
    {
        CheckSizes(key.Length, value.Length, ValueBytes, "value");
        if (!Bpf.TryMapUpdateElem(Fd, key, value, (ulong)flags, out int errno))
            throw Bpf.ToException($"Updating an element of map '{Name}'", errno);
    }

    /// <summary>Deletes the element under <paramref name="key"/>; false when there was none.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckSizes(key.Length, 0, 0, "value");
        return Found(Bpf.TryMapDeleteElem(Fd, key, out int errno), errno, "Deleting an element of");
    }

    /// <summary>
    /// Writes the key after <paramref name="key"/> (or the first key when <paramref name="key"/> is empty)
    /// into <paramref name="nextKey"/>; false at the end.
    /// </summary>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
            CheckSizes(key.Length, 0, 0, "value");
        CheckSizes(nextKey.Length, 0, 0, "value");
        return Found(Bpf.TryMapGetNextKey(Fd, key, nextKey, out int errno), errno, "Iterating the keys of");
    }

    /// <summary>Typed lookup with unmanaged key and value structs.</summary>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value) where TKey : unmanaged where TValue : unmanaged
    {
        value = default;
        return TryLookup(AsBytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>Typed update with unmanaged key and value structs.</summary>
    public void Update<TKey, TValue>(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any)
        where TKey : unmanaged where TValue : unmanaged
        => Update(AsBytes(in key), AsBytes(in value), flags);

    /// <summary>Typed delete.</summary>
    public bool Delete<TKey>(in TKey key) where TKey : unmanaged => Delete(AsBytes(in key));

    /// <summary>
    /// The keys, read one BPF_MAP_GET_NEXT_KEY at a time. Like any walk of a live map, it may miss
    /// or repeat keys that other writers add or delete meanwhile; if the current key is deleted, the
    /// kernel restarts from the first key, so a walk of a map being emptied can repeat keys.
    /// </summary>
    public IEnumerable<TKey> Keys<TKey>() where TKey : unmanaged
    {
        CheckSizes(System.Runtime.CompilerServices.Unsafe.SizeOf<TKey>(), 0, 0, "value");
        TKey current = default;
        bool first = true;
        while (TryGetNextKey(first, current, out var next))
        {
            first = false;
            current = next;
            yield return next;
        }
    }

    private bool TryGetNextKey<TKey>(bool first, in TKey current, out TKey next) where TKey : unmanaged
    {
        next = default;
        return TryGetNextKey(first ? default : AsBytes(in current), MemoryMarshal.AsBytes(new Span<TKey>(ref next)));
    }

    /// <summary>Every key with its value (keys that vanish between listing and lookup are skipped).</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged
    {
        foreach (var key in Keys<TKey>())
        {
            if (TryLookup(in key, out TValue value))
                yield return new(key, value);
        }
    }

    /// <summary>Whether this is a per-CPU map, whose values hold one slot per possible CPU.</summary>
    public bool IsPerCpu => Type.IsPerCpu();

    /// <summary>
    /// Per-CPU lookup: one value per possible CPU (<see cref="PossibleCpus.Count"/>), index = CPU number.
    /// Returns null when there is no such element.
    /// </summary>
    public TValue[]? LookupPerCpu<TKey, TValue>(in TKey key) where TKey : unmanaged where TValue : unmanaged
    {
        int stride = PerCpuStride<TValue>();
        var buffer = new byte[ValueBytes];
        if (!TryLookup(AsBytes(in key), buffer))
            return null;
        var values = new TValue[PossibleCpus.Count];
        for (int cpu = 0; cpu < values.Length; cpu++)
            values[cpu] = MemoryMarshal.Read<TValue>(buffer.AsSpan(cpu * stride));
        return values;
    }

    /// <summary>Per-CPU update: <paramref name="values"/> holds one value per possible CPU.</summary>
    public void UpdatePerCpu<TKey, TValue>(in TKey key, ReadOnlySpan<TValue> values, UpdateFlags flags = UpdateFlags.Any)
        where TKey : unmanaged where TValue : unmanaged
    {
        int stride = PerCpuStride<TValue>();
        if (values.Length != PossibleCpus.Count)
            throw new ArgumentException($"Map '{Name}' is per-CPU: give one value for each of the {PossibleCpus.Count} possible CPUs; got {values.Length}.");
        var buffer = new byte[ValueBytes];
        for (int cpu = 0; cpu < values.Length; cpu++)
            MemoryMarshal.Write(buffer.AsSpan(cpu * stride), in values[cpu]);
        Update(AsBytes(in key), buffer, flags);
    }

    /// <summary>Each CPU's slot is the value rounded up to 8 bytes.</summary>
    private int PerCpuStride<TValue>() where TValue : unmanaged
    {
        if (!IsPerCpu)
            throw new InvalidOperationException($"Map '{Name}' is a {Type} map, not per-CPU; use TryLookup and Update.");
        if (sizeof(TValue) != ValueSize)
            throw new ArgumentException($"Map '{Name}' has {ValueSize}-byte values; {typeof(TValue).Name} is {sizeof(TValue)} bytes.");
        return (int)((ValueSize + 7) & ~7u);
    }

    /// <summary>Makes the map read-only for user space (BPF_MAP_FREEZE), as .rodata is after load.</summary>
    public void Freeze()
    {
        Bpf.MapFreeze(Fd, $"Freezing map '{Name}'");
    }

    public void Dispose() => Fd.Dispose();

    /// <summary>
    /// Bytes a lookup copies out: per-CPU maps return one 8-byte-aligned slot per possible CPU.
    /// </summary>
    internal int ValueBytes => IsPerCpu
        ? checked((int)(((ValueSize + 7) & ~7u) * (uint)PossibleCpus.Count))
        : checked((int)ValueSize);

    private static ReadOnlySpan<byte> AsBytes<T>(in T value) where T : unmanaged
        => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private void CheckSizes(int keyLength, int valueLength, int expectedValue, string what)
    {
        if (keyLength != KeySize)
            throw new ArgumentException($"Map '{Name}' has {KeySize}-byte keys; got {keyLength} bytes.");
        if (expectedValue != 0 && valueLength != expectedValue)
            throw new ArgumentException($"Map '{Name}' needs a {expectedValue}-byte {what} buffer; got {valueLength} bytes.");
    }

    /// <summary>An element call's outcome: true when it succeeded, false for ENOENT (no such element), else throws.</summary>
    private bool Found(bool succeeded, int errno, string operation)
    {
        if (succeeded)
            return true;
        if (errno == Errno.ENOENT)
            return false;
        throw Bpf.ToException($"{operation} map '{Name}'", errno);
    }
}
