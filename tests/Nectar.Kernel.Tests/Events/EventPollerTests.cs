using System.Diagnostics;
using Nectar.Events;
using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Events;

/// <summary>The poller's lifecycle against real ring and perf buffers (no program writes to them here).</summary>
public class EventPollerTests
{
    private static BpfMap CreateRing(uint size = 64 * 1024) => BpfMap.Create(new MapAttributes("nectar_ring", MapType.RingBuf, 0, 0, size));

    [KernelFact]
    public void Dispose_while_a_poll_is_blocked_returns_it_promptly_and_unmaps_everything()
    {
        using var map = CreateRing();
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var poller = new EventPoller();
            poller.Add(map, _ => { });
            using var polling = new ManualResetEventSlim();
            var stopwatch = new Stopwatch();
            var poll = Task.Factory.StartNew(() =>
            {
                polling.Set();
                int delivered = poller.Poll(Timeout.InfiniteTimeSpan);
                stopwatch.Stop();
                return delivered;
            }, TaskCreationOptions.LongRunning);
            polling.Wait();
            Thread.Sleep(100); // let it block in epoll_wait
            Assert.False(poll.IsCompleted);

            stopwatch.Start();
            poller.Dispose();

            // Dispose waits for the poll to leave the buffers before unmapping them; the task that
            // called Poll completes just after (its completion is not Dispose's to wait for: under
            // load it came a moment later once), so it is awaited here, briefly.
            Assert.True(poll.Wait(TimeSpan.FromSeconds(10)), "the blocked poll did not return after Dispose");
            Assert.Equal(0, poll.Result);
            Assert.Throws<ObjectDisposedException>(() => poller.Poll(TimeSpan.Zero));
        });
    }

    [KernelFact]
    public void A_poll_on_an_empty_ring_times_out_with_nothing_delivered()
    {
        using var map = CreateRing();
        using var poller = new EventPoller();
        var ring = poller.Add(map, _ => throw new InvalidOperationException("no record was written"));
        Assert.Equal(0, poller.Poll(TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0UL, ring.PendingBytes);
    }

    [KernelFact]
    public async Task RunAsync_ends_as_cancelled_when_its_token_is_cancelled()
    {
        using var first = CreateRing();
        using var second = CreateRing();
        using var poller = new EventPoller();
        poller.Add(first, _ => { });
        poller.Add<long>(second, (ref readonly long _) => { });
        using var cancellation = new CancellationTokenSource();
        var running = poller.RunAsync(cancellation.Token);
        await Task.Delay(50);
        Assert.False(running.IsCompleted);

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(running.IsCanceled);
    }

    [KernelFact]
    public async Task A_record_stream_ends_when_its_token_is_cancelled_and_leaks_nothing()
    {
        using var map = CreateRing();
        int before = OpenFileDescriptors.CountAnonymousInodes();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in map.ReadAllAsync<long>(cancellationToken: cancellation.Token))
                received++;
        });
        Assert.Equal(0, received);
        Assert.Equal(before, OpenFileDescriptors.CountAnonymousInodes());
    }

    [KernelFact]
    public void A_map_that_is_not_a_ring_buffer_is_refused_by_name()
    {
        using var array = BpfMap.Create(new MapAttributes("nectar_array", MapType.Array, 4, 8, 1));
        var error = Assert.Throws<ArgumentException>(() => RingBuffer.Open(array));
        Assert.Contains("'nectar_array'", error.Message);
        Assert.Contains("not a ring buffer", error.Message);
    }

    [KernelFact]
    public void A_perf_event_array_gets_a_ring_per_online_cpu_stored_at_its_index()
    {
        using var map = BpfMap.Create(new MapAttributes("nectar_perf", MapType.PerfEventArray, 4, 4, (uint)PossibleCpus.Count));
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var poller = new EventPoller();
            var perf = poller.Add(map, (cpu, sample) => { }, pagesPerCpu: 2);
            Assert.Equal(Enumerable.Range(0, Environment.ProcessorCount), perf.Cpus);
            Assert.Equal(0, poller.Poll(TimeSpan.FromMilliseconds(10)));
            Assert.Equal(0UL, perf.LostSamples);
        });
    }
}
