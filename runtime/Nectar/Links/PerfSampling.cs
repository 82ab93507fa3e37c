namespace Nectar.Links;

/// <summary>A perf counter to sample on: perf_event_attr's type and config.</summary>
public readonly record struct PerfCounter(uint Type, ulong Config, string Name)
{
    private const uint Hardware = 0;
    private const uint Software = 1;

    /// <summary>software:cpu-clock, a per-CPU timer; needs no hardware PMU (virtual machines have it). Periods are in nanoseconds.</summary>
    public static PerfCounter CpuClock { get; } = new(Software, 0, "software:cpu-clock");

    /// <summary>software:task-clock: the time the sampled task runs. Periods are in nanoseconds.</summary>
    public static PerfCounter TaskClock { get; } = new(Software, 1, "software:task-clock");

    /// <summary>hardware:cpu-cycles; needs a hardware PMU (many virtual machines have none: ENOENT).</summary>
    public static PerfCounter CpuCycles { get; } = new(Hardware, 0, "hardware:cpu-cycles");

    public override string ToString() => Name;
}

/// <summary>
/// Where and how often a perf_event program (SEC("perf_event")) samples: a counter, a frequency
/// (samples per second, per CPU) or a period (one sample every Period counts), on every online CPU
/// or one, for every process or one thread.
/// </summary>
public sealed record PerfSampling
{
    private const string MaxRatePath = "/proc/sys/kernel/perf_event_max_sample_rate";

    public PerfCounter Counter { get; init; } = PerfCounter.CpuClock;

    /// <summary>Samples per second on each CPU (the kernel adjusts the period to meet it); 0 to use <see cref="Period"/>.</summary>
    public ulong Frequency { get; init; }

    /// <summary>One sample every Period counts of the counter (nanoseconds for the clocks); 0 to use <see cref="Frequency"/>.</summary>
    public ulong Period { get; init; }

    /// <summary>One CPU only; null: one perf event on each online CPU.</summary>
    public int? Cpu { get; init; }

    /// <summary>
    /// One thread only (perf follows a thread: a process id names its main thread); null: every
    /// process. With a thread and no <see cref="Cpu"/>, one event follows the thread on any CPU.
    /// </summary>
    public int? ThreadId { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong, before any perf event opens.</summary>
    internal void Validate(string program)
    {
        if ((Frequency == 0) == (Period == 0))
            throw new ArgumentException($"Sampling for '{program}': set exactly one of Frequency (samples per second) and Period (counts per sample); got Frequency {Frequency}, Period {Period}.");
        if (Frequency > 0 && File.Exists(MaxRatePath) && ulong.TryParse(File.ReadAllText(MaxRatePath).Trim(), out ulong max) && Frequency > max)
            throw new ArgumentOutOfRangeException(nameof(Frequency), $"Sampling for '{program}': {Frequency} samples per second exceeds this kernel's limit of {max} ({MaxRatePath}).");
        if (Cpu is < 0)
            throw new ArgumentOutOfRangeException(nameof(Cpu), $"Sampling for '{program}': CPU {Cpu} is not a CPU number.");
        if (ThreadId is <= 0)
            throw new ArgumentOutOfRangeException(nameof(ThreadId), $"Sampling for '{program}': thread {ThreadId} is not a thread id.");
    }
}
