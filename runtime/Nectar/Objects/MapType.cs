namespace Nectar.Maps;

/// <summary>BPF map types (enum bpf_map_type).</summary>
public enum MapType : uint
{
    Unspecified = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PerfEventArray = 4,
    PerCpuHash = 5,
    PerCpuArray = 6,
    StackTrace = 7,
    CgroupArray = 8,
    LruHash = 9,
    LruPerCpuHash = 10,
    LpmTrie = 11,
    ArrayOfMaps = 12,
    HashOfMaps = 13,
    DevMap = 14,
    SockMap = 15,
    CpuMap = 16,
    XskMap = 17,
    SockHash = 18,
    CgroupStorage = 19,
    ReusePortSockArray = 20,
    PerCpuCgroupStorage = 21,
    Queue = 22,
    Stack = 23,
    SkStorage = 24,
    DevMapHash = 25,
    StructOps = 26,
    RingBuf = 27,
    InodeStorage = 28,
    TaskStorage = 29,
    BloomFilter = 30,
    UserRingBuf = 31,
    CgrpStorage = 32,
    Arena = 33,
}

/// <summary>The rules about map types that more than one place needs (the runtime's maps, the generator's skeletons).</summary>
public static class MapTypes
{
    /// <summary>
    /// Per-CPU maps hold one value per possible CPU: a lookup from user space copies out every
    /// CPU's slot (each rounded up to 8 bytes), not one value of the value type.
    /// </summary>
    public static bool IsPerCpu(this MapType type) =>
        type == MapType.PerCpuHash || type == MapType.PerCpuArray || type == MapType.LruPerCpuHash || type == MapType.PerCpuCgroupStorage;
}
