using Nectar.Events;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>Dispose from another thread while RunAsync consumes a real ring buffer under load: the task completes.</summary>
public class DisposeDuringRunTests
{
    [KernelFact]
    public async Task Disposing_the_poller_from_another_thread_while_it_consumes_events_completes_the_task()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("exec_observer")).Load();
        using var link = obj.Programs["raw_trace_sched_process_exec"].Attach();
        using var storm = new ExecStorm();
        using var stopStorm = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            while (!stopStorm.IsCancellationRequested)
                storm.Run(threads: 1, perThread: 10);
        });

        long delivered = 0;
        var outcomes = new Dictionary<TaskStatus, int>();
        const int iterations = 300;
        for (int i = 0; i < iterations; i++)
        {
            var poller = new EventPoller();
            poller.Add(obj.Maps["events"], _ => Interlocked.Increment(ref delivered));
            var run = poller.RunAsync();
            await Task.Run(() =>
            {
                Thread.SpinWait(i % 50 * 200);
                poller.Dispose();
            });
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
            outcomes[run.Status] = outcomes.GetValueOrDefault(run.Status) + 1;
        }
        await stopStorm.CancelAsync();
        await producer;

        Assert.Equal(new Dictionary<TaskStatus, int> { [TaskStatus.RanToCompletion] = iterations }, outcomes);
        Assert.True(delivered > 0, "no event arrived: the pollers were never busy when disposed");
    }
}
