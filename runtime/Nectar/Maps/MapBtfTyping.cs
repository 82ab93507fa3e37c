namespace Nectar.Maps;

/// <summary>
/// Which map types the kernel lets carry BTF key and value types. The kernel refuses BTF types
/// (ENOTSUPP) on maps whose values are file descriptors or whose keys are not data (perf event
/// array, cgroup array, maps of maps, ...), yet objects written for libbpf declare them with
/// <c>__type(key, u32); __type(value, u32);</c> all the time: libbpf drops the types for these
/// map types before BPF_MAP_CREATE, and so does Nectar (the list is libbpf's).
/// </summary>
internal static class MapBtfTyping
{
    /// <summary>Whether BPF_MAP_CREATE may be given BTF key/value type ids for a map of <paramref name="type"/>.</summary>
    public static bool AcceptsKeyValueTypes(MapType type) => type switch
    {
        MapType.PerfEventArray or MapType.CgroupArray or MapType.StackTrace or MapType.ArrayOfMaps or MapType.HashOfMaps or
        MapType.DevMap or MapType.DevMapHash or MapType.CpuMap or MapType.XskMap or MapType.SockMap or MapType.SockHash or
        MapType.Queue or MapType.Stack or MapType.Arena => false,
        _ => true,
    };
}
