using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>Links a program to an open perf event (BPF_LINK_CREATE, BPF_PERF_EVENT): tracepoints and kprobes.</summary>
internal static class PerfEventLink
{
    internal static BpfLink Attach(BpfProgram program, BpfFileDescriptor perfEvent, string description)
    {
        try
        {
            var attr = new LinkCreateAttr
            {
                ProgFd = (uint)program.Fd.Value,
                TargetFd = (uint)perfEvent.Value,
                AttachType = (uint)AttachType.PerfEvent,
            };
            var fd = Bpf.CallForFd(BpfCommand.LinkCreate, ref attr, $"Linking '{description}'");
            return new BpfLink(fd, description, perfEvent);
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }
}
