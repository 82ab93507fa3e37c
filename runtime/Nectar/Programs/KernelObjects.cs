using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>A program loaded in the kernel, by anyone: what `bpftool prog list` shows.</summary>
public sealed record LoadedProgram(uint Id, ProgramType Type, string Name, string Tag)
{
    public string TypeName => KernelNames.ProgramType((uint)Type);
}

/// <summary>A map in the kernel: what `bpftool map list` shows.</summary>
public sealed record LoadedMap(uint Id, MapType Type, string Name, uint KeySize, uint ValueSize, uint MaxEntries, MapFlags Flags)
{
    public string TypeName => KernelNames.MapType((uint)Type);
}

/// <summary>A link in the kernel: what `bpftool link list` shows.</summary>
public sealed record LoadedLink(uint Id, uint Type, uint ProgramId)
{
    public string TypeName => KernelNames.LinkType(Type);
}

/// <summary>
/// Lists the BPF programs, maps and links loaded in the kernel (by every process), from
/// BPF_*_GET_NEXT_ID and BPF_OBJ_GET_INFO_BY_FD. Objects that disappear while listing are skipped.
/// </summary>
public static unsafe class KernelObjects
{
    public static IReadOnlyList<LoadedProgram> Programs() => List(ObjectKind.Program, fd =>
    {
        var info = ObjectInfo.Get<ProgInfoPrefix>(fd);
        string tag = Convert.ToHexStringLower(new ReadOnlySpan<byte>(info.Tag, 8));
        string name = ObjectInfo.Name(info.Name);
        // The kernel keeps 15 characters; like bpftool, take the whole name from BTF when it was cut.
        if (name.Length == 15 && ObjectInfo.FullProgramName(fd, info) is { } full && full.StartsWith(name, StringComparison.Ordinal))
            name = full;
        return new LoadedProgram(info.Id, (ProgramType)info.Type, name, tag);
    });

    public static IReadOnlyList<LoadedMap> Maps() => List(ObjectKind.Map, fd => Describe(fd));

    public static IReadOnlyList<LoadedLink> Links() => List(ObjectKind.Link, fd =>
    {
        var info = ObjectInfo.Get<LinkInfoPrefix>(fd);
        return new LoadedLink(info.Id, info.Type, info.ProgId);
    });

    /// <summary>Opens the map with kernel id <paramref name="id"/> (as `nectar map dump` does); null when there is none.</summary>
    public static BpfMap? OpenMap(uint id)
    {
        var fd = ObjectInfo.TryOpen(ObjectKind.Map, id);
        if (fd is null)
            return null;
        var map = Describe(fd);
        return BpfMap.FromFd(fd, new MapAttributes(map.Name, map.Type, map.KeySize, map.ValueSize, map.MaxEntries) { Flags = map.Flags });
    }

    /// <summary>What the map behind <paramref name="fd"/> is (for checking a pinned map before reusing it).</summary>
    internal static LoadedMap Describe(BpfFileDescriptor fd)
    {
        var info = ObjectInfo.Get<MapInfoPrefix>(fd);
        return new LoadedMap(info.Id, (MapType)info.Type, ObjectInfo.Name(info.Name), info.KeySize, info.ValueSize, info.MaxEntries, (MapFlags)info.MapFlags);
    }

    private static List<T> List<T>(ObjectKind kind, Func<BpfFileDescriptor, T> describe)
    {
        var result = new List<T>();
        foreach (uint id in ObjectInfo.Ids(kind))
        {
            using var fd = ObjectInfo.TryOpen(kind, id);
            if (fd is not null)
                result.Add(describe(fd));
        }
        return result;
    }
}
