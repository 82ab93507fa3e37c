using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// perf_event programs: opens a sampling perf event (perf_event_open) per CPU and runs the
/// program on each one's samples through <see cref="PerfEventLink"/> (a BPF link, or
/// PERF_EVENT_IOC_SET_BPF before Linux 5.15).
/// </summary>
internal static class PerfSamplingLink
{
    private const ulong FlagFrequency = 1UL << 10; // perf_event_attr.freq

    internal static BpfSamplingLink Attach(BpfProgram program, PerfSampling sampling)
    {
        if (program.Section.Kind != AttachKind.PerfEvent)
            throw new ArgumentException($"Program '{program.Name}' (section '{program.Section.Name}') is not a perf_event program (SEC(\"perf_event\")).");
        sampling.Validate(program.Name);

        IReadOnlyList<int> cpus = sampling.Cpu is { } one ? [one] : sampling.ThreadId is not null ? [-1] : OnlineCpus.Read();
        int pid = sampling.ThreadId ?? -1;
        string rate = sampling.Frequency > 0 ? $"{sampling.Frequency} Hz" : $"every {sampling.Period}";
        string who = sampling.ThreadId is { } thread ? $"thread {thread}" : "all processes";
        var links = new List<BpfLink>(cpus.Count);
        try
        {
            foreach (int cpu in cpus)
            {
                var attr = new PerfEventAttr
                {
                    Type = sampling.Counter.Type,
                    Config = sampling.Counter.Config,
                    SamplePeriod = sampling.Frequency > 0 ? sampling.Frequency : sampling.Period,
                    Flags = sampling.Frequency > 0 ? FlagFrequency : 0,
                };
                string where = cpu < 0 ? "any CPU" : $"CPU {cpu}";
                var perfEvent = PerfEvent.Open(ref attr,
                    $"Opening perf event {sampling.Counter} ({rate}) on {where} for {who} (ENOENT: no such counter here, e.g. no hardware PMU; ENODEV: CPU offline)", cpu, pid);
                links.Add(PerfEventLink.Attach(program, perfEvent, $"{program.Name} on perf_event {sampling.Counter} {where}"));
            }
        }
        catch
        {
            foreach (var link in links)
                link.Dispose();
            throw;
        }
        return new BpfSamplingLink(links, cpus, $"{program.Name} on perf_event {sampling.Counter} at {rate}, {who}, {(cpus is [-1] ? "any CPU" : $"{cpus.Count} CPU(s)")}");
    }
}
