using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// Runs a program on an open perf event (tracepoints, kprobes): a BPF link (BPF_LINK_CREATE,
/// BPF_PERF_EVENT, Linux 5.15+), or on older kernels the perf event's own ioctls, where the perf
/// event itself is what detaches on close.
/// </summary>
internal static class PerfEventLink
{
    internal static BpfLink Attach(BpfProgram program, BpfFileDescriptor perfEvent, string description, bool legacy = false, ulong cookie = 0)
    {
        try
        {
            var attr = new LinkCreateAttr
            {
                ProgFd = (uint)program.Fd.Value,
                TargetFd = (uint)perfEvent.Value,
                AttachType = (uint)AttachType.PerfEvent,
                Tail0 = cookie, // perf_event.bpf_cookie
            };
            int errno = Errno.EINVAL;
            int fd = legacy ? -1 : Bpf.TryCall(BpfCommand.LinkCreate, ref attr, out errno);
            if (fd >= 0)
                return new BpfLink(new BpfFileDescriptor(fd), description, perfEvent);
            if (cookie != 0)
                throw Bpf.ToException($"Linking '{description}' with BPF cookie {cookie} (only a BPF link carries a cookie; the perf event ioctl cannot)", errno);
            if (!legacy && errno is not (Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOTSUPP))
                throw Bpf.ToException($"Linking '{description}'", errno);
            PerfEventIoctl.AttachProgram(perfEvent, program.Fd, $"Attaching '{description}' through its perf event");
            return new BpfLink(perfEvent, description);
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }
}
