using Nectar.Events;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Events;

/// <summary>
/// EventPoller.BusyPause: after a poll that found a busy ring, the next poll pauses before it
/// drains. The pause must never cost a record, a wake-up or the meaning of a poll's timeout.
/// Records come from bpf/ringbuf_bench.bpf.c (`batch` sequenced records per getppid()).
/// </summary>
public class BusyPauseTests
{
    private const int Batch = 64;

    private static BpfObject LoadBench()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("ringbuf_bench"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["batch"].Set((uint)Batch);
        return spec.Load();
    }

    [KernelFact]
    public void After_a_busy_poll_a_poll_that_finds_nothing_after_its_pause_still_waits_for_records()
    {
        using var obj = LoadBench();
        using var poller = new EventPoller();
        long received = 0;
        poller.Add(obj.Maps["events"], _ => received++);
        using (obj.Programs["produce"].Attach())
        {
            Workload.CallGetppid();
            Assert.Equal(Batch, poller.Poll(TimeSpan.FromSeconds(10))); // busy: the next poll pauses first

            // Nothing arrives during the pause; the poll must go on waiting, not return 0 early.
            var later = Task.Run(async () =>
            {
                await Task.Delay(300);
                Workload.CallGetppid();
            });
            Assert.Equal(Batch, poller.Poll(Timeout.InfiniteTimeSpan));
            later.Wait();
        }
        Assert.Equal(2 * Batch, received);
    }

    [KernelFact]
    public void Wake_cuts_a_pause_short()
    {
        using var obj = LoadBench();
        using var poller = new EventPoller { BusyPause = TimeSpan.FromSeconds(60) };
        poller.Add(obj.Maps["events"], _ => { });
        using (obj.Programs["produce"].Attach())
            Workload.CallGetppid();
        Assert.Equal(Batch, poller.Poll(TimeSpan.FromSeconds(10)));

        var poll = Task.Factory.StartNew(() => poller.Poll(Timeout.InfiniteTimeSpan), TaskCreationOptions.LongRunning);
        Thread.Sleep(100); // in its 60 s pause by now
        poller.Wake();
        // Not a timing assertion: without the wake the poll would pause for a minute.
        Assert.True(poll.Wait(TimeSpan.FromSeconds(30)), "Wake did not end the pause");
        Assert.Equal(0, poll.Result);
    }

    [KernelFact]
    public void Records_produced_faster_than_a_long_pause_allows_are_all_delivered_in_order()
    {
        // A 1 s pause would let the producer fill the ring many times over: the pause must shrink
        // as the ring fills (and no pause starts on a ring over a quarter full), so nothing drops.
        const int calls = 2_000; // 128,000 records of 72 bytes: 9 MB through the 32 MiB ring
        using var obj = LoadBench();
        using var poller = new EventPoller { BusyPause = TimeSpan.FromSeconds(1) };
        ulong expected = 0, outOfOrder = 0;
        long received = 0;
        poller.Add(obj.Maps["events"], record =>
        {
            ulong sequence = BitConverter.ToUInt64(record);
            if (sequence != expected)
                outOfOrder++;
            expected = sequence + 1;
            received++;
        });
        using (obj.Programs["produce"].Attach())
        {
            var producer = Task.Factory.StartNew(() => Workload.CallGetppid(calls), TaskCreationOptions.LongRunning);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (received < calls * Batch && DateTime.UtcNow < deadline)
                poller.Poll(TimeSpan.FromMilliseconds(100));
            producer.Wait();
        }
        obj.Maps["stats"].TryLookup(1u, out ulong dropped);
        Assert.Equal(0UL, dropped);
        Assert.Equal(calls * Batch, received);
        Assert.Equal(0UL, outOfOrder);
    }

    [KernelFact]
    public void A_negative_pause_is_refused()
    {
        using var poller = new EventPoller();
        Assert.Equal(TimeSpan.FromMicroseconds(200), poller.BusyPause);
        Assert.Throws<ArgumentOutOfRangeException>(() => poller.BusyPause = TimeSpan.FromMicroseconds(-1));
        poller.BusyPause = TimeSpan.Zero;
        Assert.Equal(TimeSpan.Zero, poller.BusyPause);
    }
}
