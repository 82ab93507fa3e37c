using Nectar.Maps;

namespace Nectar.Features;

/// <summary>The smallest map of one type and what the kernel must answer for the type to count as available.</summary>
internal sealed record MapProbe(MapType Type, uint KeySize, uint ValueSize, uint MaxEntries, ProbeExpectation Expect)
{
    public uint Flags { get; init; }
    /// <summary>Local storage maps need BTF: key and value are both type [1], a 4-byte int.</summary>
    public bool NeedsBtf { get; init; }
    /// <summary>Maps of maps need an inner map: a 4-byte array of one slot.</summary>
    public bool NeedsInnerMap { get; init; }
    public uint VmlinuxValueTypeId { get; init; }
}

/// <summary>How each map type is probed: the sizes, flags and companions its BPF_MAP_CREATE needs. Pure.</summary>
internal static class MapTypeProbes
{
    private const uint NoPrealloc = 1;          // BPF_F_NO_PREALLOC
    private const uint Mmapable = 1 << 10;      // BPF_F_MMAPABLE
    private const uint CgroupStorageKeySize = 16; // struct bpf_cgroup_storage_key { __u64 cgroup_inode_id; __u32 attach_type; }

    /// <summary>Every map type after BPF_MAP_TYPE_UNSPEC, in the kernel's order.</summary>
    public static IEnumerable<MapType> All => Enum.GetValues<MapType>().Where(type => type != MapType.Unspecified);

    public static MapProbe For(MapType type, int pageSize) => type switch
    {
        MapType.LpmTrie => new(type, 8, 8, 1, ProbeExpectation.Loads) { Flags = NoPrealloc },
        MapType.StackTrace => new(type, 4, 8, 1, ProbeExpectation.Loads),
        MapType.CgroupStorage or MapType.PerCpuCgroupStorage => new(type, CgroupStorageKeySize, 4, 0, ProbeExpectation.Loads),
        MapType.Queue or MapType.Stack or MapType.BloomFilter => new(type, 0, 4, 1, ProbeExpectation.Loads),
        MapType.SkStorage or MapType.InodeStorage or MapType.TaskStorage or MapType.CgrpStorage =>
            new(type, 4, 4, 0, ProbeExpectation.Loads) { Flags = NoPrealloc, NeedsBtf = true },
        MapType.ArrayOfMaps or MapType.HashOfMaps => new(type, 4, 4, 1, ProbeExpectation.Loads) { NeedsInnerMap = true },
        MapType.RingBuf or MapType.UserRingBuf => new(type, 0, 0, (uint)pageSize, ProbeExpectation.Loads),
        // Type id 1 of vmlinux is no struct_ops value type: a kernel that knows the map type says ENOTSUPP.
        MapType.StructOps => new(type, 4, 4, 1, new ProbeExpectation(Interop.Errno.ENOTSUPP)) { VmlinuxValueTypeId = 1 },
        MapType.Arena => new(type, 0, 0, 1, ProbeExpectation.Loads) { Flags = Mmapable },
        _ => new(type, 4, 4, 1, ProbeExpectation.Loads),
    };
}
