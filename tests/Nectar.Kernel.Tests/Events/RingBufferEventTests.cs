using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Events;

/// <summary>Real events from bpf/ringbuf_bench.bpf.c: `batch` 64-byte sequenced events per getppid().</summary>
public class RingBufferEventTests
{
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct BenchEvent
    {
        public ulong Sequence;
        public fixed ulong Payload[7];
    }

    private static BpfObject LoadBench(uint batch)
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("ringbuf_bench"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["batch"].Set(batch);
        return spec.Load();
    }

    private static (ulong Submitted, ulong Dropped) Stats(BpfObject obj)
    {
        var stats = obj.Maps["stats"];
        stats.TryLookup(0u, out ulong submitted);
        stats.TryLookup(1u, out ulong dropped);
        return (submitted, dropped);
    }

    [KernelFact]
    public async Task Events_arrive_in_order_and_complete_while_produced_under_load()
    {
        const int calls = 4_000, batch = 64; // 256,000 events, 18 MB: fits the 32 MiB ring, so none may drop
        using var obj = LoadBench(batch);
        using var poller = new EventPoller();
        ulong expected = 0, outOfOrder = 0;
        long received = 0;
        poller.Add<BenchEvent>(obj.Maps["events"], (ref readonly BenchEvent e) =>
        {
            if (e.Sequence != expected)
                outOfOrder++;
            expected = e.Sequence + 1;
            Interlocked.Increment(ref received);
        });
        using var stop = new CancellationTokenSource();
        var consuming = poller.RunAsync(stop.Token);

        using (obj.Programs["produce"].Attach())
        {
            Workload.CallGetppid(calls);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Interlocked.Read(ref received) < calls * batch && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);

        var (submitted, dropped) = Stats(obj);
        Assert.Equal(0UL, dropped);
        Assert.Equal((ulong)(calls * batch), submitted);
        Assert.Equal(calls * batch, received);
        Assert.Equal(0UL, outOfOrder);
        Assert.Equal((ulong)(calls * batch), expected);
    }

    [KernelFact]
    public void While_the_consumer_is_stopped_the_ring_fills_and_the_excess_is_counted_as_dropped()
    {
        const int calls = 10_000, batch = 64; // 640,000 events of 72 bytes: 46 MB into a 32 MiB ring
        using var obj = LoadBench(batch);
        using var ring = RingBuffer.Open(obj.Maps["events"]);
        using (obj.Programs["produce"].Attach())
        {
            Workload.CallGetppid(calls);
        }
        var (submitted, dropped) = Stats(obj);
        Assert.Equal((ulong)(calls * batch), submitted + dropped);
        Assert.True(dropped > 0, "the ring should have filled");
        // The ring holds submitted events of 72 bytes each (8-byte header), and no more.
        Assert.Equal(submitted * 72, ring.PendingBytes);
        Assert.True(ring.PendingBytes > obj.Maps["events"].MaxEntries - 72);

        // What was kept is exactly the first `submitted` sequence numbers: drops came only once full.
        ulong next = 0;
        bool inOrder = true;
        int consumed = 0;
        while (ring.Consume<BenchEvent>((ref readonly BenchEvent e) => { inOrder &= e.Sequence == next++; }) is int n and > 0)
            consumed += n;
        Assert.True(inOrder);
        Assert.Equal(submitted, (ulong)consumed);
        Assert.Equal(0UL, ring.PendingBytes);
    }

    [KernelFact]
    public void A_typed_handler_for_a_struct_larger_than_the_records_is_refused_naming_both_sizes()
    {
        using var obj = LoadBench(1);
        using var ring = RingBuffer.Open(obj.Maps["events"]);
        using (obj.Programs["produce"].Attach())
            Workload.CallGetppid();
        var error = Assert.Throws<EventSizeException>(() => ring.Consume<Oversized>((ref readonly Oversized _) => { }));
        Assert.Equal(64, error.RecordLength);
        Assert.Equal(128, error.StructSize);
        Assert.Equal(0UL, ring.PendingBytes); // the refused record is consumed, not stuck
    }

    [StructLayout(LayoutKind.Sequential, Size = 128)]
    private struct Oversized
    {
        public ulong Sequence;
    }

    [KernelFact]
    public void Steady_state_consumption_allocates_nothing_per_event()
    {
        using var obj = LoadBench(64);
        using var poller = new EventPoller();
        ulong sum = 0;
        poller.Add<BenchEvent>(obj.Maps["events"], (ref readonly BenchEvent e) => sum += e.Sequence);
        using var link = obj.Programs["produce"].Attach();
        void ProduceAndConsume()
        {
            Workload.CallGetppid(1_000);
            while (poller.Poll(TimeSpan.Zero) > 0) { }
        }
        ProduceAndConsume(); // warm-up: first calls, JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        ProduceAndConsume(); // 64,000 events
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0L, allocated);
        Assert.Equal(Enumerable.Range(0, 128_000).Sum(i => (long)i), (long)sum);
    }

    [KernelFact]
    public async Task A_record_stream_yields_copies_of_real_events_in_order()
    {
        using var obj = LoadBench(10);
        // A bound against a hang, not a time limit: in the VM matrix's emulated guests (TCG) on a
        // busy host, this test took 45 s.
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var received = new List<ulong>();
        using (obj.Programs["produce"].Attach())
        {
            var producer = Task.Run(async () =>
            {
                await Task.Delay(50, cancellation.Token); // let the stream map the ring first (events before are kept anyway)
                Workload.CallGetppid(100);
            });
            await foreach (var e in obj.Maps["events"].ReadAllAsync<BenchEvent>(cancellationToken: cancellation.Token))
            {
                received.Add(e.Sequence);
                if (received.Count == 1_000)
                    break;
            }
            await producer;
        }
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (ulong)i), received);
    }

    [KernelFact]
    public void One_poller_serves_several_ring_buffers_from_different_objects()
    {
        using var first = LoadBench(3);
        using var second = LoadBench(5);
        using var poller = new EventPoller();
        int fromFirst = 0, fromSecond = 0;
        poller.Add(first.Maps["events"], _ => fromFirst++);
        poller.Add(second.Maps["events"], _ => fromSecond++);
        using (first.Programs["produce"].Attach())
        using (second.Programs["produce"].Attach())
        {
            Workload.CallGetppid(10);
        }
        int total = 0;
        while (total < 80 && poller.Poll(TimeSpan.FromSeconds(5)) is int n and > 0)
            total += n;
        Assert.Equal(30, fromFirst);
        Assert.Equal(50, fromSecond);
    }

    [KernelFact]
    public void A_handler_may_dispose_its_poller_and_the_poll_ends_without_touching_unmapped_memory()
    {
        using var obj = LoadBench(64);
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var poller = new EventPoller();
            int seen = 0;
            poller.Add<BenchEvent>(obj.Maps["events"], (ref readonly BenchEvent e) =>
            {
                if (++seen == 10)
                    poller.Dispose();
            });
            using (obj.Programs["produce"].Attach())
                Workload.CallGetppid();
            poller.Poll(TimeSpan.FromSeconds(5));
            Assert.True(seen >= 10);
            Assert.Throws<ObjectDisposedException>(() => poller.Poll(TimeSpan.Zero));
        });
    }

    [KernelFact]
    public async Task A_handler_exception_faults_the_run_loop_with_that_exception()
    {
        using var obj = LoadBench(1);
        using var poller = new EventPoller();
        poller.Add(obj.Maps["events"], _ => throw new InvalidOperationException("handler failed"));
        var running = poller.RunAsync();
        using (obj.Programs["produce"].Attach())
            Workload.CallGetppid();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("handler failed", error.Message);
    }
}
