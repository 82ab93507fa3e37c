using System;
namespace Nectar.Maps;

/// <summary>BPF_MAP_CREATE map_flags (BPF_F_* of include/uapi/linux/bpf.h) that a map may be made with.</summary>
[Flags]
public enum MapFlags : uint
{
    None = 0,
    /// <summary>BPF_F_NO_PREALLOC: hash maps allocate elements as they are added.</summary>
    NoPrealloc = 0x1,
    /// <summary>BPF_F_NO_COMMON_LRU: an LRU list per CPU.</summary>
    NoCommonLru = 0x2,
    /// <summary>BPF_F_NUMA_NODE: numa_node is set.</summary>
    NumaNode = 0x4,
    /// <summary>BPF_F_RDONLY: user space may read but not write.</summary>
    ReadOnly = 0x8,
    /// <summary>BPF_F_WRONLY: user space may write but not read.</summary>
    WriteOnly = 0x10,
    /// <summary>BPF_F_ZERO_SEED: hash with seed 0 (for tests).</summary>
    ZeroSeed = 0x40,
    /// <summary>BPF_F_RDONLY_PROG: programs may read but not write (.rodata).</summary>
    ReadOnlyForPrograms = 0x80,
    /// <summary>BPF_F_WRONLY_PROG: programs may write but not read.</summary>
    WriteOnlyForPrograms = 0x100,
    /// <summary>BPF_F_MMAPABLE: an array user space can mmap.</summary>
    Mmapable = 0x400,
    /// <summary>BPF_F_INNER_MAP: inner maps of a map of maps may differ in max_entries.</summary>
    InnerMap = 0x1000,
}
