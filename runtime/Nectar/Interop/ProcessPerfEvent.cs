using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// perf_event_open(2) for an event that may follow one process: uprobes filter by pid in the
/// kernel. A pid of -1 means every process (then the event is opened on CPU 0, as BPF attachment
/// of a system-wide probe needs); a pid means that process on any CPU (cpu -1).
/// </summary>
internal static unsafe class ProcessPerfEvent
{
    private const long FlagFdCloexec = 8;

    internal static BpfFileDescriptor Open(ref PerfEventAttr attr, int pid, string operation)
    {
        if (SyscallNumbers.PerfEventOpen < 0)
            throw new PlatformNotSupportedException($"Nectar does not know the perf_event_open syscall number on {RuntimeInformation.ProcessArchitecture}.");
        attr.Size = (uint)sizeof(PerfEventAttr);
        long fd;
        fixed (PerfEventAttr* pointer = &attr)
            fd = Libc.Syscall5(SyscallNumbers.PerfEventOpen, pointer, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1, FlagFdCloexec);
        if (fd < 0)
            throw Bpf.ToException(operation, Marshal.GetLastPInvokeError());
        return new BpfFileDescriptor((int)fd);
    }
}
