using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// iter/TARGET: BPF_LINK_CREATE with attach type BPF_TRACE_ITER (the target was fixed at load by
/// attach_btf_id), and the map or process to walk in iter_info when there is one.
/// </summary>
internal static unsafe class IteratorLink
{
    internal static BpfIteratorLink Attach(BpfProgram program, IteratorOptions options)
    {
        if (program.Section.Kind != AttachKind.Iterator)
            throw new ArgumentException($"Program '{program.Name}' (section '{program.Section.Name}') is not an iterator (SEC(\"iter/TARGET\")).");
        if (options.Map is not null && options.ProcessId is not null)
            throw new ArgumentException($"Iterator '{program.Name}': give a Map (map-element iterators) or a ProcessId (task iterators), not both.");

        var info = new IteratorLinkInfo();
        string what = program.Section.Name;
        if (options.Map is { } map)
        {
            info.MapFd = (uint)map.Fd.Value;
            what += $" over map '{map.Name}'";
        }
        else if (options.ProcessId is { } pid)
        {
            info.ProcessId = pid > 0 ? (uint)pid : throw new ArgumentOutOfRangeException(nameof(options), $"Iterator '{program.Name}': ProcessId must be positive, not {pid}.");
            what += $" of process {pid}";
        }
        bool hasInfo = options.Map is not null || options.ProcessId is not null;

        string hint = hasInfo
            ? " (does this target take a map or process? map-element targets need a map whose key and value are at least as large as the program reads)"
            : program.Section.Target.EndsWith("_elem", StringComparison.Ordinal) || program.Section.Target.EndsWith("_map", StringComparison.Ordinal)
                ? " (map-element iterators need a map: IteratorOptions.Map, or nectar iter --map-id)"
                : "";
        var iteratorInfo = hasInfo ? new ReadOnlySpan<byte>(&info, sizeof(IteratorLinkInfo)) : default;
        var fd = Bpf.TryLinkCreate(program.Fd, 0, (uint)AttachType.TraceIter, 0, out int errno, iteratorInfo)
            ?? throw Bpf.ToException($"Attaching iterator '{program.Name}' ({what}){hint}", errno);
        return new BpfIteratorLink(fd, $"{program.Name} on {what}");
    }

    /// <summary>BPF_ITER_CREATE: a new run of the iterator, read to its end. (An iterator link is always one kernel link, so Fd is set.)</summary>
    internal static BpfFileDescriptor Create(BpfIteratorLink link)
        => Bpf.IterCreate(link.Fd!, $"Starting iterator '{link.Description}'");
}
