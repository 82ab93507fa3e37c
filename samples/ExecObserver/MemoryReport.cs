namespace Nectar.Samples.ExecObserver;

/// <summary>
/// With <c>NECTAR_MEMORY_REPORT=SECONDS</c> set, the sample writes one line on standard error every
/// that many seconds: the managed heap (live and committed), collections per generation, bytes
/// allocated per exec, and the process's resident set. The soak script (tests/soak) reads these
/// lines to tell a managed-heap leak from the GC's own settling or native memory.
/// </summary>
internal sealed class MemoryReport
{
    public const string Variable = "NECTAR_MEMORY_REPORT";

    private readonly TimeSpan _interval;
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
    private long _execsAtStart = -1;
    private DateTime _next;

    private MemoryReport(TimeSpan interval)
    {
        _interval = interval;
        _next = DateTime.UtcNow + interval;
    }

    /// <summary>The report the environment asks for; null when it asks for none (or for nonsense).</summary>
    public static MemoryReport? FromEnvironment()
        => double.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.CultureInfo.InvariantCulture, out double seconds)
           && seconds is >= 0.1 and <= 86_400
            ? new MemoryReport(TimeSpan.FromSeconds(seconds))
            : null;

    /// <summary>The line to write now, or null when the next one is not due.</summary>
    public string? Due(long execs)
    {
        if (_execsAtStart < 0)
            _execsAtStart = execs;
        var now = DateTime.UtcNow;
        if (now < _next)
            return null;
        _next = now + _interval;
        var info = GC.GetGCMemoryInfo();
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocatedAtStart;
        long perExec = execs > _execsAtStart ? allocated / (execs - _execsAtStart) : 0;
        return $"memory: rss_kib {ResidentKib()} gc_heap_kib {GC.GetTotalMemory(forceFullCollection: false) / 1024} "
            + $"gc_committed_kib {info.TotalCommittedBytes / 1024} gc_gen0 {GC.CollectionCount(0)} gc_gen1 {GC.CollectionCount(1)} gc_gen2 {GC.CollectionCount(2)} "
            + $"allocated_kib {allocated / 1024} bytes_per_exec {perExec} execs {execs}";
    }

    private static long ResidentKib()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return -1;
    }
}
