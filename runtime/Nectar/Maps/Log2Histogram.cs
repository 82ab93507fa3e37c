using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Nectar.Maps;

/// <summary>
/// A power-of-two histogram as BPF tools keep it (bcc's libbpf-tools: <c>struct hist { __u32 slots[N]; }</c>):
/// slot 0 counts the values 0 and 1, slot i (i ≥ 1) the values 2^i to 2^(i+1)-1, the index a BPF
/// program computes as floor(log2(value)). <see cref="Read"/> takes them from a map (an array,
/// per-CPU array or hash whose value starts with the slots, one histogram per key);
/// <see cref="ToString(string)"/> prints them as bcc's <c>print_log2_hist</c> does.
/// </summary>
public sealed class Log2Histogram
{
    /// <summary>The most slots a histogram has: slot 63 holds values up to 2^64-1.</summary>
    public const int MaxSlots = 64;

    private readonly ulong[] _slots;

    /// <summary>A histogram of the given slot counts (slot i: values 2^i to 2^(i+1)-1; slot 0: 0 and 1).</summary>
    public Log2Histogram(IEnumerable<ulong> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        _slots = slots.ToArray();
        if (_slots.Length is 0 or > MaxSlots)
            throw new ArgumentException($"A log2 histogram has 1 to {MaxSlots} slots; got {_slots.Length}.", nameof(slots));
    }

    /// <summary>The count of each slot.</summary>
    public IReadOnlyList<ulong> Slots => _slots;

    /// <summary>The sum of the slots: how many values were counted.</summary>
    public ulong TotalCount
    {
        get
        {
            ulong total = 0;
            foreach (ulong count in _slots)
                total += count;
            return total;
        }
    }

    /// <summary>The smallest value slot <paramref name="slot"/> counts: 0 for slot 0, else 2^slot.</summary>
    public static ulong LowerBound(int slot)
    {
        CheckSlot(slot);
        return slot == 0 ? 0 : 1UL << slot;
    }

    /// <summary>The largest value slot <paramref name="slot"/> counts: 2^(slot+1)-1.</summary>
    public static ulong UpperBound(int slot)
    {
        CheckSlot(slot);
        return slot == MaxSlots - 1 ? ulong.MaxValue : (1UL << (slot + 1)) - 1;
    }

    /// <summary>The slot a BPF program puts <paramref name="value"/> in: floor(log2(value)), 0 for 0.</summary>
    public static int SlotOf(ulong value) => value == 0 ? 0 : 63 - System.Numerics.BitOperations.LeadingZeroCount(value);

    /// <summary>
    /// Reads the histograms of <paramref name="map"/>: each key's value holds <paramref name="slotCount"/>
    /// slots of <paramref name="slotSize"/> bytes (4, bcc's <c>__u32</c>, or 8) at its start (default: the
    /// whole value is slots); per-CPU values are summed over the CPUs. Keys are the map's raw key bytes,
    /// in the kernel's iteration order.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<byte[], Log2Histogram>> Read(BpfMap map, int? slotCount = null, int slotSize = 4)
    {
        ArgumentNullException.ThrowIfNull(map);
        int slots = CheckLayout(map, slotCount, slotSize);
        int stride = map.IsPerCpu ? (int)((map.ValueSize + 7) & ~7u) : (int)map.ValueSize;
        int cpus = map.IsPerCpu ? PossibleCpus.Count : 1;
        var value = new byte[stride * cpus];
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var result = new List<KeyValuePair<byte[], Log2Histogram>>();
        bool more = map.TryGetNextKey(ReadOnlySpan<byte>.Empty, next);
        // A map can hold at most MaxEntries keys; a walk that restarts (a key deleted meanwhile)
        // must still end.
        for (uint seen = 0; more && seen < map.MaxEntries; seen++)
        {
            next.CopyTo(key, 0);
            if (map.TryLookup(key, value))
                result.Add(new(key.ToArray(), FromValue(value, slots, slotSize, stride, cpus)));
            more = map.TryGetNextKey(key, next);
        }
        return result;
    }

    /// <summary>
    /// Decodes one value: <paramref name="cpus"/> copies <paramref name="stride"/> bytes apart
    /// (1 for a map that is not per-CPU), each starting with <paramref name="slotCount"/> little-endian
    /// slots of <paramref name="slotSize"/> bytes, summed slot by slot.
    /// </summary>
    public static Log2Histogram FromValue(ReadOnlySpan<byte> value, int slotCount, int slotSize = 4, int stride = 0, int cpus = 1)
    {
        if (slotSize is not (4 or 8))
            throw new ArgumentException($"Slots are 4 (__u32) or 8 (__u64) bytes; got {slotSize}.", nameof(slotSize));
        if (slotCount is < 1 or > MaxSlots)
            throw new ArgumentException($"A log2 histogram has 1 to {MaxSlots} slots; got {slotCount}.", nameof(slotCount));
        if (stride == 0)
            stride = slotCount * slotSize;
        if (cpus < 1 || stride < slotCount * slotSize || (long)stride * (cpus - 1) + slotCount * slotSize > value.Length)
            throw new ArgumentException($"{cpus} value(s) of {slotCount} {slotSize}-byte slots, {stride} bytes apart, do not fit in {value.Length} bytes.", nameof(value));
        var sums = new ulong[slotCount];
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            var copy = value.Slice(cpu * stride, slotCount * slotSize);
            for (int i = 0; i < slotCount; i++)
                sums[i] += slotSize == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(copy[(i * 4)..]) : BinaryPrimitives.ReadUInt64LittleEndian(copy[(i * 8)..]);
        }
        return new Log2Histogram(sums);
    }

    /// <summary>
    /// The histogram as bcc's <c>print_log2_hist</c> prints it: a header naming the values
    /// (<paramref name="valueType"/>: "usecs", "argc", ...), then one line per slot up to the last
    /// non-empty one, with the slot's range, its count and a bar of up to 40 stars scaled to the
    /// largest count (20 where the ranges need wide columns). An empty histogram prints nothing.
    /// </summary>
    public string ToString(string valueType)
    {
        ArgumentNullException.ThrowIfNull(valueType);
        int last = Array.FindLastIndex(_slots, count => count > 0);
        if (last < 0)
            return "";
        ulong largest = _slots.Max();
        bool narrow = last <= 32;
        int indent = narrow ? 5 : 15, typeWidth = narrow ? 19 : 29, rangeWidth = narrow ? 10 : 20, barWidth = narrow ? 40 : 20;
        var text = new StringBuilder();
        text.Append(' ', indent).Append(valueType.PadRight(typeWidth)).Append(" : count    distribution\n");
        for (int slot = 0; slot <= last; slot++)
        {
            ulong count = _slots[slot];
            text.Append(LowerBound(slot).ToString(CultureInfo.InvariantCulture).PadLeft(rangeWidth))
                .Append(" -> ")
                .Append(UpperBound(slot).ToString(CultureInfo.InvariantCulture).PadRight(rangeWidth))
                .Append(" : ")
                .Append(count.ToString(CultureInfo.InvariantCulture).PadRight(8))
                .Append(" |");
            int stars = (int)(UInt128.Min(count, largest) * (UInt128)barWidth / largest);
            text.Append('*', stars).Append(' ', barWidth - stars).Append("|\n");
        }
        return text.ToString();
    }

    /// <inheritdoc cref="ToString(string)"/>
    public override string ToString() => ToString("value");

    private static int CheckLayout(BpfMap map, int? slotCount, int slotSize)
    {
        if (slotSize is not (4 or 8))
            throw new ArgumentException($"Slots are 4 (__u32) or 8 (__u64) bytes; got {slotSize}.", nameof(slotSize));
        if (map.Type is MapType.RingBuf or MapType.PerfEventArray or MapType.ProgArray or MapType.ArrayOfMaps or MapType.HashOfMaps)
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type} map: it holds no counts; a log2 histogram is an array, per-CPU array or hash map whose value is __u32 slots[N].", nameof(map));
        int fits = (int)(map.ValueSize / (uint)slotSize);
        int slots = slotCount ?? fits;
        if (slotCount is null && map.ValueSize % slotSize != 0)
            throw new ArgumentException($"Map '{map.Name}' has {map.ValueSize}-byte values, not a whole number of {slotSize}-byte slots: give the slot count (the N of __u32 slots[N]).", nameof(map));
        if (slots < 1 || slots > fits || slots > MaxSlots)
            throw new ArgumentException($"Map '{map.Name}' has {map.ValueSize}-byte values: they hold 1 to {Math.Min(fits, MaxSlots)} slots of {slotSize} bytes; {slots} asked for.", nameof(slotCount));
        return slots;
    }

    private static void CheckSlot(int slot)
    {
        if (slot is < 0 or >= MaxSlots)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"A log2 histogram's slots are 0 to {MaxSlots - 1}.");
    }
}
