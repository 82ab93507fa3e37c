using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// The pre-5.15 way to run a program on a perf event (no BPF link for perf events yet):
/// PERF_EVENT_IOC_SET_BPF, then PERF_EVENT_IOC_ENABLE. Closing the perf event detaches it.
/// </summary>
internal static partial class PerfEventIoctl
{
    private const ulong Enable = 0x2400;      // _IO('$', 0)
    private const ulong SetBpf = 0x40042408;  // _IOW('$', 8, __u32)

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, long argument);

    internal static void AttachProgram(BpfFileDescriptor perfEvent, BpfFileDescriptor program, string operation)
    {
        if (Ioctl(perfEvent.Value, SetBpf, program.Value) < 0 || Ioctl(perfEvent.Value, Enable, 0) < 0)
            throw Bpf.ToException(operation, Marshal.GetLastPInvokeError());
    }

    /// <summary>PERF_EVENT_IOC_ENABLE alone: starts an event opened disabled or not yet counting (BPF output events).</summary>
    internal static void EnableEvent(BpfFileDescriptor perfEvent, string operation)
    {
        if (Ioctl(perfEvent.Value, Enable, 0) < 0)
            throw Bpf.ToException(operation, Marshal.GetLastPInvokeError());
    }
}
