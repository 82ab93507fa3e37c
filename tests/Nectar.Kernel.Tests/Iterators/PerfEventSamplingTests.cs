using System.Text.Json;
using Nectar.Links;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Iterators;

/// <summary>
/// SEC("perf_event") (bpf/cpu_sampler.bpf.c) on software:cpu-clock perf events, one per online
/// CPU: this process is sampled while its thread spins, and no more once the link is disposed.
/// </summary>
public sealed class PerfEventSamplingTests
{
    private const ulong SpinChunk = 20_000_000;
    private const int MaxChunks = 500; // a bound on the spinning, not a timeout: it ends once enough samples are seen

    [KernelFact(Attach = [AttachKind.PerfEvent])]
    public void Cpu_clock_sampling_on_every_cpu_sees_this_process_spin_until_disposed()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("cpu_sampler")).Load();
            var samples = obj.Maps["samples"];
            uint pid = (uint)Environment.ProcessId;

            using (var sampling = obj.Programs["count_samples"].AttachPerfEvent(new PerfSampling { Frequency = 10_000 }))
            {
                Assert.Equal(OnlineCpus.Read(), sampling.Cpus);
                Assert.Equal(sampling.Cpus.Count, sampling.Links.Count);
                for (int chunk = 0; chunk < MaxChunks && Samples(samples, pid) < 50; chunk++)
                    Spin(SpinChunk);
                Assert.True(Samples(samples, pid) >= 50, $"only {Samples(samples, pid)} samples of this process after {MaxChunks} spins");
            }

            Spin(SpinChunk); // let a sample that was already running on another CPU finish
            ulong ours = Samples(samples, pid);
            ulong all = Total(samples);
            for (int chunk = 0; chunk < 10; chunk++)
                Spin(SpinChunk);
            Assert.Equal(ours, Samples(samples, pid));
            Assert.Equal(all, Total(samples));
        });
    }

    [KernelFact(Attach = [AttachKind.PerfEvent])]
    public void Sampling_one_thread_with_a_period_counts_only_that_thread()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("cpu_sampler")).Load();
        var samples = obj.Maps["samples"];
        int thread = (int)CurrentThread.Id;
        using (var sampling = obj.Programs["count_samples"].AttachPerfEvent(new PerfSampling { Counter = PerfCounter.TaskClock, Period = 100_000, ThreadId = thread }))
        {
            Assert.Equal([-1], sampling.Cpus);
            for (int chunk = 0; chunk < MaxChunks && Samples(samples, (uint)Environment.ProcessId) < 20; chunk++)
                Spin(SpinChunk);
        }
        Assert.True(Samples(samples, (uint)Environment.ProcessId) >= 20);
        // The event follows this thread only: no other process is ever sampled.
        Assert.Equal(Samples(samples, (uint)Environment.ProcessId), Total(samples));
    }

    [KernelFact(Attach = [AttachKind.PerfEvent])]
    public void A_frequency_above_the_kernel_limit_is_refused_before_any_event_opens()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("cpu_sampler")).Load();
        ulong max = ulong.Parse(File.ReadAllText("/proc/sys/kernel/perf_event_max_sample_rate").Trim());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            obj.Programs["count_samples"].AttachPerfEvent(new PerfSampling { Frequency = max + 1 }));
        Assert.Contains("perf_event_max_sample_rate", error.Message);
        var attach = Assert.Throws<NotSupportedException>(() => obj.Programs["count_samples"].Attach());
        Assert.Contains("AttachPerfEvent", attach.Message);
    }

    /// <summary>
    /// bpftool as the oracle: `bpftool link list` shows one perf_event link per CPU for the
    /// program while it samples, and none after. (`bpftool perf` lists only tracepoint, kprobe and
    /// uprobe attachments: the kernel's task_fd_query answers EOPNOTSUPP for perf_event programs.)
    /// </summary>
    [KernelFact(Attach = [AttachKind.PerfEvent], Tools = Oracle.Bpftool)]
    public void Bpftool_shows_a_perf_event_link_per_cpu_while_sampling()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("cpu_sampler")).Load();
        var program = obj.Programs["count_samples"];
        using (var sampling = program.AttachPerfEvent(new PerfSampling { Frequency = 99 }))
        {
            var links = LinksOf(program.Id);
            Assert.Equal(sampling.Cpus.Count, links.Count);
            Assert.All(links, link => Assert.Equal("perf_event", link.GetProperty("type").GetString()));
            // One BpfLink for them all: its parts carry the kernel's ids; it has one only when it is one link.
            Assert.Equal(links.Select(l => l.GetProperty("id").GetUInt32()).Order(), sampling.Links.Select(l => Assert.NotNull(l.Id)).Order());
            Assert.Equal(sampling.Cpus.Count, sampling.KernelLinkCount);
            if (sampling.Cpus.Count == 1)
                Assert.Equal(sampling.Links[0].Id, sampling.Id);
            else
            {
                Assert.Null(sampling.Id);
                Assert.Contains("one kernel link", Assert.Throws<NotSupportedException>(() => sampling.Pin("/sys/fs/bpf/nectar_never_pinned")).Message);
            }
        }
        Assert.Empty(LinksOf(program.Id));
    }

    private static List<JsonElement> LinksOf(uint programId) =>
        JsonDocument.Parse(Bpftool.Run("-j", "link", "list")).RootElement.EnumerateArray()
            .Where(l => l.GetProperty("prog_id").GetUInt32() == programId).ToList();

    private static ulong Samples(BpfMap samples, uint tgid) => samples.TryLookup(tgid, out ulong count) ? count : 0;

    private static ulong Total(BpfMap samples)
    {
        ulong total = 0;
        foreach (var (_, count) in samples.Entries<uint, ulong>())
            total += count;
        return total;
    }

    /// <summary>Keeps this thread on a CPU for <paramref name="iterations"/> steps of arithmetic the JIT cannot drop.</summary>
    private static ulong s_sink;

    private static void Spin(ulong iterations)
    {
        ulong x = s_sink | 1;
        for (ulong i = 0; i < iterations; i++)
            x = x * 6364136223846793005UL + 1442695040888963407UL;
        s_sink = x;
    }
}
