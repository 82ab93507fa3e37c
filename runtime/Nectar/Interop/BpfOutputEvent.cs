namespace Nectar.Interop;

/// <summary>The per-CPU BPF output perf events behind a perf event array map.</summary>
internal static class BpfOutputEvent
{
    private const uint TypeSoftware = 1;          // PERF_TYPE_SOFTWARE
    private const ulong CountSwBpfOutput = 10;    // PERF_COUNT_SW_BPF_OUTPUT
    private const ulong SampleRaw = 1 << 10;      // PERF_SAMPLE_RAW

    /// <summary>
    /// Opens a BPF output event on <paramref name="cpu"/> that wakes its reader after each sample,
    /// and enables it. bpf_perf_event_output() writes into it once its fd is in the array map.
    /// </summary>
    internal static BpfFileDescriptor Open(int cpu)
    {
        var attr = new PerfEventAttr
        {
            Type = TypeSoftware,
            Config = CountSwBpfOutput,
            SamplePeriod = 1,
            SampleType = SampleRaw,
            WakeupEvents = 1,
        };
        var handle = PerfEvent.Open(ref attr, $"Opening a BPF output perf event on CPU {cpu}", cpu);
        try
        {
            PerfEventIoctl.EnableEvent(handle, $"Enabling the BPF output perf event on CPU {cpu}");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
