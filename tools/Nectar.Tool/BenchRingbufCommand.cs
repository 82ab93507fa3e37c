using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench ringbuf`: ring buffer throughput. Producer threads call getppid() in a loop; the
/// object's raw_tp/sys_enter program answers each call with `batch` events of `record_size` bytes
/// in the ring buffer `events`, counting submitted and dropped ones in `stats`; this process
/// consumes them on its main thread through an <see cref="EventPoller"/> in its default
/// configuration. The object contract (see bpf/ringbuf_bench.bpf.c) lets other consumers run the
/// very same object: with `--libbpf DIR`, libbpf's ring_buffer__poll consumer (bench/libbpf) runs
/// after each of Nectar's runs, alternating, and the ratios are printed.
/// </summary>
internal static partial class BenchRingbufCommand
{
    private const string DefaultObject = "ringbuf_bench.bpf.o";

    /// <summary>MAX_BATCH of bpf/ringbuf_bench.bpf.c: the program's loop bound, so no batch is larger.</summary>
    internal const uint MaxBatch = 4096;

    /// <summary>The globals the benchmark contract sets before load.</summary>
    private static readonly string[] ContractVariables = ["target_tgid", "batch", "record_size"];

    internal static Command Create()
    {
        var objectOption = new Option<string>("--object") { Description = $"The BPF object to run (default: the shipped {DefaultObject})." };
        var eventsOption = new Option<long>("--events") { Description = "Events to produce in each measured run.", DefaultValueFactory = _ => 10_000_000 }
            .Require(n => n is >= 1 and <= 1_000_000_000_000, "must be a number of events from 1 to 10^12");
        var batchOption = new Option<uint>("--batch") { Description = "Events the program emits per getppid() call.", DefaultValueFactory = _ => 64 }
            .Require(n => n is >= 1 and <= MaxBatch, $"must be from 1 to {MaxBatch} (the program's MAX_BATCH), not silently capped");
        var sizeOption = new Option<uint>("--record-size") { Description = "Bytes per record: 8 to 4096, a multiple of 8.", DefaultValueFactory = _ => 64 }
            .Require(n => n is >= 8 and <= 4096 && n % 8 == 0, "must be from 8 to 4096 bytes and a multiple of 8");
        var producersOption = new Option<int>("--producers") { Description = "Producer threads (each calls getppid() in a loop).", DefaultValueFactory = _ => 1 }
            .Require(n => n is >= 1 and <= 16, "must be from 1 to 16 threads");
        var runsOption = new Option<int>("--runs") { Description = "Measured runs (each after its own warm-up run).", DefaultValueFactory = _ => 5 }
            .Require(n => n is >= 1 and <= 1000, "must be from 1 to 1000 runs");
        // Sleeping at once (as libbpf's ring_buffer__poll does) is the default. Spinning saves the
        // producer the wake-ups, but costs the producer its CPU when the machine is busy.
        var spinOption = new Option<double>("--spin-us") { Description = "Microseconds the consumer spins on an empty ring before sleeping in epoll_wait (0, the default: sleep at once).", DefaultValueFactory = _ => 0 }
            .Require(us => double.IsFinite(us) && us is >= 0 and <= 1_000_000, "must be a number of microseconds from 0 to 1,000,000");
        var pauseOption = new Option<double?>("--pause-us") { Description = "EventPoller.BusyPause in microseconds (default: the poller's default; 0: drain and sleep at once, as libbpf)." }
            .Require(us => us is null || (double.IsFinite(us.Value) && us.Value is >= 0 and <= 1_000_000), "must be a number of microseconds from 0 to 1,000,000");
        var idleOption = new Option<double>("--idle-seconds") { Description = "Also measure the CPU a consumer uses waiting this long on an empty ring (0: skip).", DefaultValueFactory = _ => 0 }
            .Require(s => double.IsFinite(s) && s is >= 0 and <= 3600, "must be a number of seconds from 0 to 3600");
        var libbpfOption = new Option<string?>("--libbpf") { Description = "Folder of the libbpf oracles (bench/libbpf/out, made by bench/libbpf/build.sh): its runs alternate with Nectar's." };
        var command = new Command("ringbuf", "Measure ring buffer throughput: events/s, consumer CPU per event, drops, bytes allocated per event; beside libbpf's with --libbpf.")
        {
            objectOption, eventsOption, batchOption, sizeOption, producersOption, runsOption, spinOption, pauseOption, idleOption, libbpfOption,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(objectOption) ?? Path.Combine(AppContext.BaseDirectory, "bpf", DefaultObject);
            var settings = new Settings(
                parse.GetValue(eventsOption), parse.GetValue(batchOption), parse.GetValue(sizeOption), parse.GetValue(producersOption),
                TimeSpan.FromMicroseconds(parse.GetValue(spinOption)),
                parse.GetValue(pauseOption) is { } pause ? TimeSpan.FromMicroseconds(pause) : null);
            Run(path, settings, parse.GetValue(runsOption), parse.GetValue(idleOption), LibbpfOracle.Find(parse.GetValue(libbpfOption), "ringbuf"));
            return 0;
        });
        return command;
    }

    private sealed record Settings(long Events, uint Batch, uint RecordSize, int Producers, TimeSpan Spin, TimeSpan? Pause);

    private sealed record Result(long Consumed, long Submitted, long Dropped, long Gaps, double Seconds, double ConsumerCpuSeconds, long ConsumerBytes)
    {
        public double EventsPerSecond => Consumed / Seconds;
        public double CpuNsPerEvent => ConsumerCpuSeconds * 1e9 / Math.Max(1, Consumed);
    }

    private static void Run(string path, Settings settings, int runs, double idleSeconds, LibbpfOracle? libbpf)
    {
        var spec = BpfObjectSpec.Read(path);
        // Another object has no such globals: say what the contract wants before anything loads.
        if (ContractVariables.FirstOrDefault(name => !spec.Variables.ContainsKey(name)) is { } missing)
            throw new ArgumentException($"{path} does not follow the benchmark contract (see bpf/ringbuf_bench.bpf.c): it has no global '{missing}'; it needs {string.Join(" and ", ContractVariables)}, a ring buffer 'events', an array 'stats' and one raw_tp/sys_enter program.");
        foreach (var map in new[] { "events", "stats" })
        {
            if (!spec.Maps.ContainsKey(map))
                throw new ArgumentException($"{path} does not follow the benchmark contract (see bpf/ringbuf_bench.bpf.c): it has no map '{map}'.");
        }
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["batch"].Set(settings.Batch);
        spec.Variables["record_size"].Set(settings.RecordSize);
        // The contract names the program's section, not its function: any raw_tp/sys_enter program.
        var producers = spec.Programs.Values.Where(p => p.Section.Kind == AttachKind.RawTracepoint && p.Section.Target == "sys_enter").ToList();
        if (producers.Count != 1)
            throw new ArgumentException($"{path}: the benchmark contract wants exactly one raw_tp/sys_enter program; found {producers.Count}.");
        using var obj = spec.Load();
        var ring = obj.Maps["events"];
        var stats = obj.Maps["stats"];
        var defaults = new EventPoller();
        string pause = (settings.Pause ?? defaults.BusyPause).TotalMicroseconds.ToString(CultureInfo.InvariantCulture);
        defaults.Dispose();
        Console.WriteLine(BenchMachine.Describe());
        Console.WriteLine($"settings: ring buffer '{ring.Name}' {ring.MaxEntries >> 10} KiB; {settings.RecordSize}-byte records; batch {settings.Batch}; " +
                          $"{settings.Events:N0} events a run; {settings.Producers} producer thread(s); consumer: busy pause up to {pause} us, spin {settings.Spin.TotalMicroseconds} us; " +
                          $"{runs} run(s){(libbpf is null ? "" : ", alternated with libbpf's ring_buffer__poll")}");

        var nectar = new List<Result>();
        var oracle = new List<Result>();
        for (int run = 1; run <= runs; run++)
        {
            using (obj.Programs[producers[0].Name].Attach())
            {
                // Warm-up: the JIT tiers the hot loops up (after 30 calls and a 100 ms quiet
                // period, on a background thread) before anything is measured; tiering during the
                // measured run would take a CPU from the producer or the consumer.
                Measure(ring, stats, Math.Min(settings.Events, 2_000_000), settings);
                Thread.Sleep(200);
                var result = Measure(ring, stats, settings.Events, settings);
                nectar.Add(result);
                Print($"run {run} nectar", result, settings.Producers == 1);
            }
            if (libbpf is not null)
            {
                var line = libbpf.Run("libbpf ringbuf: ", path, settings.Events.ToString(CultureInfo.InvariantCulture),
                    settings.Batch.ToString(CultureInfo.InvariantCulture), settings.RecordSize.ToString(CultureInfo.InvariantCulture),
                    settings.Producers.ToString(CultureInfo.InvariantCulture))[0];
                var result = new Result((long)LibbpfOracle.Number(line, "events"), (long)LibbpfOracle.Number(line, "submitted"),
                    (long)LibbpfOracle.Number(line, "dropped"), 0, LibbpfOracle.Number(line, "seconds"),
                    LibbpfOracle.Number(line, "consumer_cpu_seconds"), 0);
                oracle.Add(result);
                Print($"run {run} libbpf", result, sequenceChecked: false);
            }
        }
        Summarize("nectar", nectar);
        if (oracle.Count > 0)
        {
            Summarize("libbpf", oracle);
            double rate = BenchMachine.Median(nectar.Select(r => r.EventsPerSecond)) / BenchMachine.Median(oracle.Select(r => r.EventsPerSecond));
            double cpu = BenchMachine.Median(nectar.Select(r => r.CpuNsPerEvent)) / BenchMachine.Median(oracle.Select(r => r.CpuNsPerEvent));
            Console.WriteLine(FormattableString.Invariant($"ratio nectar/libbpf: events/s {rate:F2}x, consumer CPU per event {cpu:F2}x (medians)"));
        }
        if (idleSeconds > 0)
            MeasureIdle(ring, settings, idleSeconds, libbpf, path);
    }

    private static void Print(string label, Result r, bool sequenceChecked)
        => Console.WriteLine(FormattableString.Invariant(
            $"{label}: {r.Consumed:N0} events in {r.Seconds:F3} s = {r.EventsPerSecond / 1e6:F2} M events/s; consumer CPU {r.ConsumerCpuSeconds:F3} s = {r.CpuNsPerEvent:F1} ns/event; ") +
            $"submitted {r.Submitted:N0}; dropped {r.Dropped:N0}" + (sequenceChecked ? $"; sequence gaps {r.Gaps:N0}" : "") +
            FormattableString.Invariant($"; allocated {(double)r.ConsumerBytes / Math.Max(1, r.Consumed):F4} bytes/event; {BenchMachine.LoadAverage()}"));

    private static void Summarize(string label, List<Result> results)
        => Console.WriteLine($"summary {label}: events/s {BenchMachine.MedianMin(results.Select(r => r.EventsPerSecond / 1e6).ToList(), "F2", " M")}; " +
                             $"consumer CPU {BenchMachine.MedianMin(results.Select(r => r.CpuNsPerEvent).ToList(), "F1", " ns/event")}; " +
                             $"dropped {results.Sum(r => r.Dropped):N0} in all");

    private static Result Measure(BpfMap ring, BpfMap stats, long events, Settings settings)
    {
        var (submittedBefore, droppedBefore) = ReadStats(stats);
        long callsPerProducer = (events / settings.Producers + settings.Batch - 1) / settings.Batch;
        var counter = new SequenceCounter(submittedBefore + droppedBefore);
        using var poller = new EventPoller { SpinBeforeWait = settings.Spin };
        if (settings.Pause is { } pause)
            poller.BusyPause = pause;
        poller.Add(ring, counter.Handle);
        using var start = new Barrier(settings.Producers + 1);
        int producersDone = 0;
        var threads = Enumerable.Range(0, settings.Producers).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            for (long call = 0; call < callsPerProducer; call++)
                GetParentProcessId();
            Interlocked.Increment(ref producersDone);
        }) { Name = $"bench producer {i}" }).ToList();
        threads.ForEach(t => t.Start());

        start.SignalAndWait();
        long threadBytesBefore = GC.GetAllocatedBytesForCurrentThread();
        long startTime = Stopwatch.GetTimestamp();
        double cpuBefore = BenchMachine.ThreadCpuSeconds();
        long lastDelivery = startTime;
        long threadBytes = 0;
        long expected = callsPerProducer * settings.Batch * settings.Producers;
        while (counter.Count < expected)
        {
            int delivered = poller.Poll(TimeSpan.FromMilliseconds(100));
            if (delivered > 0)
            {
                lastDelivery = Stopwatch.GetTimestamp();
                // Up to the last record: reading the stats map below, once the producers are done, allocates.
                threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBytesBefore;
            }
            else if (Volatile.Read(ref producersDone) == settings.Producers)
            {
                // Everything the producers made has had 100 ms to arrive: the rest was dropped.
                var (s, _) = ReadStats(stats);
                if (counter.Count >= s - submittedBefore)
                    break;
            }
        }
        double cpu = BenchMachine.ThreadCpuSeconds() - cpuBefore;
        threads.ForEach(t => t.Join());
        var (submittedAfter, droppedAfter) = ReadStats(stats);
        return new Result(counter.Count, submittedAfter - submittedBefore, droppedAfter - droppedBefore, counter.Gaps,
            Stopwatch.GetElapsedTime(startTime, lastDelivery).TotalSeconds, cpu, threadBytes);
    }

    /// <summary>A consumer waiting on a ring nobody writes: the CPU it uses should be close to none.</summary>
    private static void MeasureIdle(BpfMap ring, Settings settings, double seconds, LibbpfOracle? libbpf, string path)
    {
        using var poller = new EventPoller { SpinBeforeWait = settings.Spin };
        if (settings.Pause is { } pause)
            poller.BusyPause = pause;
        poller.Add(ring, static _ => { });
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        double cpuBefore = BenchMachine.ThreadCpuSeconds();
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < deadline)
            poller.Poll(TimeSpan.FromMilliseconds(Math.Max(1, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency)));
        double cpu = BenchMachine.ThreadCpuSeconds() - cpuBefore;
        Console.WriteLine(FormattableString.Invariant($"idle nectar: consumer CPU {cpu * 1e3:F3} ms in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s waiting on an empty ring; {BenchMachine.LoadAverage()}"));
        if (libbpf is not null)
        {
            var line = libbpf.Run("libbpf ringbuf idle: ", path, "idle", ((long)Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture))[0];
            Console.WriteLine(FormattableString.Invariant($"idle libbpf: consumer CPU {LibbpfOracle.Number(line, "consumer_cpu_seconds") * 1e3:F3} ms in {LibbpfOracle.Number(line, "seconds"):F1} s waiting on an empty ring"));
        }
    }

    private static (long Submitted, long Dropped) ReadStats(BpfMap stats)
    {
        stats.TryLookup(0u, out ulong submitted);
        stats.TryLookup(1u, out ulong dropped);
        return ((long)submitted, (long)dropped);
    }

    /// <summary>Counts events and the gaps in their sequence numbers (the first 8 bytes; one producer only).</summary>
    private sealed class SequenceCounter(long firstSequence)
    {
        private long _next = firstSequence;
        public long Count;
        public long Gaps;

        public void Handle(ReadOnlySpan<byte> record)
        {
            long sequence = MemoryMarshal.Read<long>(record);
            if (sequence != _next)
                Gaps++;
            _next = sequence + 1;
            Count++;
        }
    }

    // The producer's syscall: the one the benchmark program answers. The tool calls it directly
    // because it is the measured workload, not a kernel service Nectar offers.
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
