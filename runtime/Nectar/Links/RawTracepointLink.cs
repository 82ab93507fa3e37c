using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>raw_tp/NAME: BPF_RAW_TRACEPOINT_OPEN with the tracepoint's name.</summary>
internal static class RawTracepointLink
{
    internal static BpfLink Attach(BpfProgram program, string tracepoint)
    {
        var fd = Bpf.RawTracepointOpen(program.Fd, tracepoint,
            $"Attaching '{program.Name}' to raw tracepoint '{tracepoint}' (is it in /sys/kernel/tracing/available_events?)");
        return new BpfLink(fd, $"{program.Name} on raw_tp/{tracepoint}");
    }
}
