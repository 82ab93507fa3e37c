namespace Nectar.Maps;

/// <summary>BPF_MAP_CREATE map_flags Nectar sets itself.</summary>
public static class MapFlags
{
    public const uint NoPrealloc = 0x1;
    /// <summary>BPF_F_RDONLY_PROG: programs may read but not write (.rodata).</summary>
    public const uint ReadOnlyForPrograms = 0x80;
    public const uint Mmapable = 0x400;
}
