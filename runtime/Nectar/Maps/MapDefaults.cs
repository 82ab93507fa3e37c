namespace Nectar.Maps;

/// <summary>
/// What the loader fills in or rounds, as libbpf does, so that objects written for libbpf load
/// unchanged: a perf event array without max_entries gets one entry per possible CPU (programs
/// index it by CPU with BPF_F_CURRENT_CPU), and a ring buffer's size is rounded up to the power of
/// two, and multiple of the page size, that the kernel requires. bpftool (libbpf 1.1) makes the
/// same maps from the same object (see the kernel tests).
/// </summary>
internal static class MapDefaults
{
    internal static MapAttributes Apply(MapAttributes spec, int possibleCpus, int pageSize) => spec.Type switch
    {
        MapType.PerfEventArray when spec.MaxEntries == 0 => spec with { MaxEntries = (uint)possibleCpus },
        MapType.RingBuf or MapType.UserRingBuf => spec with { MaxEntries = RingBufferSize(spec.MaxEntries, pageSize) },
        _ => spec,
    };

    /// <summary>
    /// The smallest page size times a power of two that holds <paramref name="requested"/> bytes.
    /// No size (0) and sizes no such product holds are passed through, for the kernel to refuse
    /// with its own error rather than Nectar inventing a size.
    /// </summary>
    internal static uint RingBufferSize(uint requested, int pageSize)
    {
        if (requested == 0)
            return 0;
        uint size = (uint)pageSize;
        while (size < requested && size <= uint.MaxValue / 2)
            size *= 2;
        return size >= requested ? size : requested;
    }
}
