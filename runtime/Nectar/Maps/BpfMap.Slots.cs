using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Maps;

/// <summary>
/// Program arrays (tail call targets) and maps of maps: their slots hold kernel objects, which
/// user space stores by fd and the kernel keeps by reference (closing the program or inner map
/// afterwards leaves it in the slot). A lookup from user space reads back the object's id
/// (<c>TryLookup&lt;uint, uint&gt;</c>), as bpftool's map dump shows it; delete empties a slot.
/// The kernel empties a program array when its last user-space reference (fd or pin) closes, so
/// keep the map (its <see cref="BpfObject"/>) open, or pin it, while programs tail-call through it.
/// </summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>
    /// Stores <paramref name="program"/> in slot <paramref name="key"/> of this program array:
    /// <c>bpf_tail_call(ctx, &amp;map, key)</c> then jumps to it. The kernel refuses (EINVAL) a
    /// program of another type than the programs that use the array.
    /// </summary>
    public void Update<TKey>(in TKey key, BpfProgram program, UpdateFlags flags = UpdateFlags.Any) where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(program);
        if (Type != MapType.ProgArray)
            throw new InvalidOperationException($"Map '{Name}' is a {Type} map; only a program array ({MapType.ProgArray}) holds programs.");
        StoreFd(AsBytes(in key), program.Fd.Value, flags, $"Storing program '{program.Name}' in slot {key} of map '{Name}'",
            "A program array holds programs of one type (the kernel fixes it at the first program that uses the array): store programs of the same type as the programs that tail-call through it.");
    }

    /// <summary>
    /// Stores <paramref name="innerMap"/> in slot <paramref name="key"/> of this map of maps. The
    /// kernel refuses (EINVAL) a map that does not match the inner map definition (type, key and
    /// value sizes, flags, and max_entries unless the definition has BPF_F_INNER_MAP).
    /// </summary>
    public void Update<TKey>(in TKey key, BpfMap innerMap, UpdateFlags flags = UpdateFlags.Any) where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(innerMap);
        if (Type is not (MapType.ArrayOfMaps or MapType.HashOfMaps))
            throw new InvalidOperationException($"Map '{Name}' is a {Type} map; only maps of maps ({MapType.ArrayOfMaps}, {MapType.HashOfMaps}) hold maps.");
        StoreFd(AsBytes(in key), innerMap.Fd.Value, flags, $"Storing map '{innerMap.Name}' in slot {key} of map '{Name}'",
            $"The map must match the inner map definition{DescribeInner()} in type, key and value sizes and flags (and max_entries, unless the definition has BPF_F_INNER_MAP); a map of maps cannot hold another map of maps.");
    }

    private void StoreFd(ReadOnlySpan<byte> key, int fd, UpdateFlags flags, string operation, string mismatchHint)
    {
        CheckSizes(key.Length, sizeof(int), (int)ValueSize, "value");
        {
            if (Bpf.TryMapUpdateElem(Fd, key, new ReadOnlySpan<byte>(&fd, sizeof(int)), (ulong)flags, out int errno))
                return;
            // The kernel's errno alone does not say which rule the slot broke; these two do.
            string? hint = errno switch
            {
                Errno.E2BIG => $"The slot is past the map's {MaxEntries} entries (0 to {(long)MaxEntries - 1}).",
                Errno.EINVAL => mismatchHint,
                _ => null,
            };
            var error = Bpf.ToException(operation, errno);
            throw hint is null ? error : new BpfException($"{error.Message} {hint}", errno);
        }
    }

    private string DescribeInner() => Attributes.InnerMap is { } inner
        ? $" ({inner.Type}, key {inner.KeySize} B, value {inner.ValueSize} B, {inner.MaxEntries} entries, flags 0x{(uint)inner.Flags:x})"
        : "";

    /// <summary>
    /// For a map of maps, the template BPF_MAP_CREATE takes as inner_map_fd: a map made from
    /// <see cref="MapAttributes.InnerMap"/> only so the kernel can copy its shape, closed once the outer
    /// map exists (as libbpf does). Null for other maps.
    /// </summary>
    private static BpfMap? CreateInnerTemplate(MapAttributes spec)
    {
        bool isMapOfMaps = spec.Type is MapType.ArrayOfMaps or MapType.HashOfMaps;
        if (spec.InnerMap is null)
        {
            return isMapOfMaps
                ? throw new ArgumentException($"Map '{spec.Name}' is a {spec.Type} map but its spec has no InnerMap: the kernel needs the inner map's shape to create it. " +
                    "Declare it in C with __array(values, struct { ...inner map... }), or set MapAttributes.InnerMap.", nameof(spec))
                : null;
        }
        if (!isMapOfMaps)
            throw new ArgumentException($"Map '{spec.Name}' is a {spec.Type} map; only maps of maps ({MapType.ArrayOfMaps}, {MapType.HashOfMaps}) take an InnerMap.", nameof(spec));
        return Create(spec.InnerMap);
    }
}
