using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>clock_gettime(2): BPF timestamps (bpf_ktime_get_boot_ns) count from boot, not from 1970.</summary>
internal static unsafe partial class Libc
{
    private const int ClockRealtime = 0;
    private const int ClockBoottime = 7;

    [LibraryImport(Library, EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, long* timespec);

    /// <summary>Nanoseconds from the Unix epoch minus nanoseconds since boot: add to a boot time to get wall time.</summary>
    internal static long BootToRealtimeOffsetNs()
    {
        long* realtime = stackalloc long[2];
        long* boottime = stackalloc long[2];
        if (ClockGetTime(ClockRealtime, realtime) != 0 || ClockGetTime(ClockBoottime, boottime) != 0)
            throw Bpf.ToException("Reading the system clocks", Marshal.GetLastPInvokeError());
        return (realtime[0] - boottime[0]) * 1_000_000_000L + (realtime[1] - boottime[1]);
    }
}
