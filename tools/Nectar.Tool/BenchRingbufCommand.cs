using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench ringbuf`: ring buffer throughput. A producer thread calls getppid() in a loop;
/// the object's raw_tp/sys_enter program answers each call with `batch` 64-byte events in the ring
/// buffer `events`, counting submitted and dropped ones in `stats`; this process consumes them on
/// another thread through an <see cref="EventPoller"/>. The object contract (see
/// bpf/ringbuf_bench.bpf.c) lets other consumers, libbpf's among them, run the very same object.
/// </summary>
internal static partial class BenchRingbufCommand
{
    private const string DefaultObject = "ringbuf_bench.bpf.o";

    /// <summary>MAX_BATCH of bpf/ringbuf_bench.bpf.c: the program's loop bound, so no batch is larger.</summary>
    internal const uint MaxBatch = 4096;

    /// <summary>The globals the benchmark contract sets before load.</summary>
    private static readonly string[] ContractVariables = ["target_tgid", "batch"];

    internal static Command Create()
    {
        var objectOption = new Option<string>("--object") { Description = $"The BPF object to run (default: the shipped {DefaultObject})." };
        var eventsOption = new Option<long>("--events") { Description = "Events to produce in the measured run.", DefaultValueFactory = _ => 10_000_000 }
            .Require(n => n is >= 1 and <= 1_000_000_000_000, "must be a number of events from 1 to 10^12");
        var batchOption = new Option<uint>("--batch") { Description = "Events the program emits per getppid() call.", DefaultValueFactory = _ => 64 }
            .Require(n => n is >= 1 and <= MaxBatch, $"must be from 1 to {MaxBatch} (the program's MAX_BATCH), not silently capped");
        // Sleeping at once (as libbpf's ring_buffer__poll does) is the default. Spinning saves the
        // producer the wake-ups, but costs the producer its CPU when the machine is busy.
        var spinOption = new Option<double>("--spin-us") { Description = "Microseconds the consumer spins on the ring before sleeping in epoll_wait (0, the default: sleep at once, as libbpf's ring_buffer__poll).", DefaultValueFactory = _ => 0 }
            .Require(us => double.IsFinite(us) && us is >= 0 and <= 1_000_000, "must be a number of microseconds from 0 to 1,000,000");
        var command = new Command("ringbuf", "Measure ring buffer throughput: events/s consumed, submitted, dropped, bytes allocated per event.")
        {
            objectOption, eventsOption, batchOption, spinOption,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(objectOption) ?? Path.Combine(AppContext.BaseDirectory, "bpf", DefaultObject);
            Run(path, parse.GetValue(eventsOption), parse.GetValue(batchOption), TimeSpan.FromMicroseconds(parse.GetValue(spinOption)));
            return 0;
        });
        return command;
    }

    private static void Run(string path, long events, uint batch, TimeSpan spin)
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
        spec.Variables["batch"].Set(batch);
        // The contract names the program's section, not its function: any raw_tp/sys_enter program.
        var producers = spec.Programs.Values.Where(p => p.Section.Kind == AttachKind.RawTracepoint && p.Section.Target == "sys_enter").ToList();
        if (producers.Count != 1)
            throw new ArgumentException($"{path}: the benchmark contract wants exactly one raw_tp/sys_enter program; found {producers.Count}.");
        using var obj = spec.Load();
        using var link = obj.Programs[producers[0].Name].Attach();
        var ring = obj.Maps["events"];
        var stats = obj.Maps["stats"];
        Console.WriteLine($"ring buffer '{ring.Name}': {ring.MaxEntries >> 10} KiB; batch {batch}; {events:N0} events; {Environment.ProcessorCount} CPUs; consumer spins {spin.TotalMicroseconds} us before sleeping");

        // Warm-up: the JIT tiers the hot loops up (after 30 calls and a 100 ms quiet period, on a
        // background thread) before anything is measured; tiering during the measured run would
        // take a CPU from the producer or the consumer.
        Measure(ring, stats, Math.Min(events, 2_000_000), batch, spin);
        Thread.Sleep(500);
        var result = Measure(ring, stats, events, batch, spin);

        double consumerSeconds = result.ConsumerTime.TotalSeconds;
        Console.WriteLine($"consumed:  {result.Consumed,12:N0} events in {consumerSeconds:F3} s = {result.Consumed / consumerSeconds / 1e6:F2} M events/s");
        Console.WriteLine($"submitted: {result.Submitted,12:N0} events in {result.ProducerTime.TotalSeconds:F3} s = {result.Submitted / result.ProducerTime.TotalSeconds / 1e6:F2} M events/s");
        Console.WriteLine($"dropped:   {result.Dropped,12:N0} events ({(double)result.Dropped / Math.Max(1, result.Submitted + result.Dropped):P2})");
        Console.WriteLine($"sequence gaps seen by the consumer: {result.Gaps:N0}");
        Console.WriteLine($"allocated: {(double)result.ConsumerBytes / Math.Max(1, result.Consumed):F4} bytes/event on the consumer thread " +
                          $"({result.ConsumerBytes:N0} bytes), {(double)result.ProcessBytes / Math.Max(1, result.Consumed):F4} bytes/event in the whole process");
    }

    private sealed record Result(long Consumed, long Submitted, long Dropped, long Gaps, TimeSpan ConsumerTime, TimeSpan ProducerTime, long ConsumerBytes, long ProcessBytes);

    private static Result Measure(BpfMap ring, BpfMap stats, long events, uint batch, TimeSpan spin)
    {
        var (submittedBefore, droppedBefore) = ReadStats(stats);
        long calls = (events + batch - 1) / batch;
        var counter = new SequenceCounter(submittedBefore + droppedBefore);
        using var poller = new EventPoller { SpinBeforeWait = spin };
        poller.Add(ring, counter.Handle);
        using var start = new Barrier(2);
        TimeSpan producerTime = default;
        bool producerDone = false;

        var producer = new Thread(() =>
        {
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            for (long i = 0; i < calls; i++)
                GetParentProcessId();
            producerTime = clock.Elapsed;
            Volatile.Write(ref producerDone, true);
        }) { Name = "bench producer" };
        producer.Start();

        long processBytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        long threadBytesBefore = GC.GetAllocatedBytesForCurrentThread();
        start.SignalAndWait();
        var consumerClock = Stopwatch.StartNew();
        TimeSpan consumerTime = default;
        long expected = calls * batch;
        while (counter.Count < expected)
        {
            int delivered = poller.Poll(TimeSpan.FromMilliseconds(100));
            if (delivered > 0)
                consumerTime = consumerClock.Elapsed;
            else if (Volatile.Read(ref producerDone))
            {
                // Everything the producer made has had 100 ms to arrive: the rest was dropped.
                var (s, d) = ReadStats(stats);
                if (counter.Count >= s - submittedBefore)
                    break;
            }
        }
        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBytesBefore;
        long processBytes = GC.GetTotalAllocatedBytes(precise: true) - processBytesBefore;
        producer.Join();
        var (submittedAfter, droppedAfter) = ReadStats(stats);
        return new Result(counter.Count, submittedAfter - submittedBefore, droppedAfter - droppedBefore, counter.Gaps,
            consumerTime, producerTime, threadBytes, processBytes);
    }

    private static (long Submitted, long Dropped) ReadStats(BpfMap stats)
    {
        stats.TryLookup(0u, out ulong submitted);
        stats.TryLookup(1u, out ulong dropped);
        return ((long)submitted, (long)dropped);
    }

    /// <summary>Counts events and the gaps in their sequence numbers (the first 8 bytes).</summary>
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
