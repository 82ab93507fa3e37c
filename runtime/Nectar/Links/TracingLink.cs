using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// tp_btf, fentry and fexit: the target was fixed at load (attach_btf_id), so attaching is
/// BPF_RAW_TRACEPOINT_OPEN with no name.
/// </summary>
internal static class TracingLink
{
    internal static BpfLink Attach(BpfProgram program)
    {
        var fd = Bpf.RawTracepointOpen(program.Fd, null, $"Attaching '{program.Name}' ({program.Section.Name})");
        return new BpfLink(fd, $"{program.Name} on {program.Section.Name}");
    }
}
