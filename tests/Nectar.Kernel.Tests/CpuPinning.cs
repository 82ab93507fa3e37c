using System.Runtime.InteropServices;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Pins the calling thread to one CPU while a test needs its BPF events to come from a single
/// per-CPU buffer (perf buffers report a CPU's lost samples only with that CPU's next sample).
/// Dispose restores the thread's previous affinity.
/// </summary>
internal sealed partial class CpuPinning : IDisposable
{
    private readonly ulong[] _previous = new ulong[16];

    public CpuPinning(int cpu)
    {
        if (SchedGetAffinity(0, _previous.Length * sizeof(ulong), _previous) != 0)
            throw new InvalidOperationException("sched_getaffinity failed: errno " + Marshal.GetLastPInvokeError());
        var mask = new ulong[_previous.Length];
        mask[cpu / 64] = 1UL << (cpu % 64);
        if (SchedSetAffinity(0, mask.Length * sizeof(ulong), mask) != 0)
            throw new InvalidOperationException($"sched_setaffinity to CPU {cpu} failed: errno {Marshal.GetLastPInvokeError()}");
        Cpu = cpu;
    }

    public int Cpu { get; }

    public void Dispose() => SchedSetAffinity(0, _previous.Length * sizeof(ulong), _previous);

    // pid 0: the calling thread (Linux affinity is per thread).
    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint size, [Out] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ulong[] mask);
}
