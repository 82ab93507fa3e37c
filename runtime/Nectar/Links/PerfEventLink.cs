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
            int errno = Errno.EINVAL;
            var fd = legacy ? null : Bpf.TryLinkCreate(program.Fd, (uint)perfEvent.Value, (uint)AttachType.PerfEvent, 0, out errno, cookie: cookie);
            if (fd is not null)
                return new BpfLink(fd, description, perfEvent);
            if (cookie != 0)
                throw Bpf.ToException($"Linking '{description}' with BPF cookie {cookie} (only a BPF link carries a cookie; the perf event ioctl cannot)", errno);
            if (!legacy && errno is not (Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOTSUPP))
                throw Bpf.ToException($"Linking '{description}'", errno);
            PerfEventIoctl.AttachProgram(perfEvent, program.Fd, $"Attaching '{description}' through its perf event");
            return BpfLink.OfPerfEvent(perfEvent, description);
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }
}
