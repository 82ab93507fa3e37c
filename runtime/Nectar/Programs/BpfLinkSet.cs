using Nectar.Links;

namespace Nectar.Programs;

/// <summary>
/// The links of <see cref="BpfObject.AttachAll"/>: one per program whose section says where it
/// attaches. Dispose detaches them all.
/// </summary>
public sealed class BpfLinkSet : IDisposable
{
    private readonly List<(string Program, BpfLink Link)> _links;

    internal BpfLinkSet(List<(string Program, BpfLink Link)> links, IReadOnlyList<string> skipped)
    {
        _links = links;
        Skipped = skipped;
    }

    /// <summary>The attached programs' names, in the object's order.</summary>
    public IReadOnlyList<string> Attached => _links.Select(l => l.Program).ToList();

    /// <summary>The programs left alone, each with why: they need arguments the section cannot give (an interface, a cgroup, a target).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>The link of one attached program.</summary>
    public BpfLink this[string program] => _links.FirstOrDefault(l => l.Program == program).Link
        ?? throw new KeyNotFoundException($"No program '{program}' was attached by AttachAll(); attached: {string.Join(", ", Attached)}.");

    public void Dispose()
    {
        foreach (var (_, link) in _links)
            link.Dispose();
        _links.Clear();
    }

    /// <summary>
    /// Attaches every program that names its target in its section (tracepoints, raw and BTF
    /// tracepoints, kprobes, fentry/fexit, uprobes with a binary and function, USDT probes with a binary, provider and name); the others are
    /// <see cref="Skipped"/>. If one fails, the ones already attached are detached and the error is thrown.
    /// </summary>
    internal static BpfLinkSet Attach(IEnumerable<BpfProgram> programs)
    {
        var links = new List<(string, BpfLink)>();
        var skipped = new List<string>();
        try
        {
            foreach (BpfProgram program in programs)
            {
                if (WhyNot(program.Section) is { } reason)
                {
                    skipped.Add($"{program.Name} ({reason})");
                    continue;
                }
                links.Add((program.Name, program.Attach()));
            }
        }
        catch
        {
            foreach (var (_, link) in links)
                link.Dispose();
            throw;
        }
        return new BpfLinkSet(links, skipped);
    }

    private static string? WhyNot(ProgramSection section) => section.Kind switch
    {
        AttachKind.TracepointBtf or AttachKind.Fentry or AttachKind.Fexit => null,
        AttachKind.RawTracepoint or AttachKind.Tracepoint or AttachKind.Kprobe or AttachKind.Kretprobe or AttachKind.Uprobe or AttachKind.Uretprobe
            => section.Target.Length > 0 ? null : $"SEC(\"{section.Name}\") names no target: attach it with Attach(target)",
        AttachKind.Usdt => section.Target.Length > 0 ? null : $"SEC(\"{section.Name}\") names no target: attach it with AttachUsdt(binary, provider, name)",
        AttachKind.Iterator => "an iterator runs when read: AttachIterator()",
        AttachKind.PerfEvent => "runs on perf events: AttachPerfEvent()",
        AttachKind.Unsupported => section.UnsupportedReason,
        _ => $"SEC(\"{section.Name}\") attaches to an interface, socket or cgroup you choose: its Attach* method",
    };
}
