using System.Diagnostics;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>SIGTERM stops the sample cleanly; after SIGKILL the kernel detaches it: either way nothing stays attached (bpftool the oracle).</summary>
public class SignalTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void After_SIGTERM_the_sample_exits_0_and_nothing_stays_attached()
    {
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"], stdoutRedirect: ">/dev/null");
        uint id = sample.WaitUntilAttached();
        Assert.Contains($"prog_id {id}  raw_tracepoint  sched_process_exec", Bpftool.Run("perf"));

        sample.Signal(ObservedProcess.SigTerm);

        Assert.Equal(0, sample.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Matches(@"ExecObserver: detached after \d+ exec\(s\) observed, \d+ written, \d+ dropped\.", sample.ErrorText);
        Assert.DoesNotContain($"prog_id {id} ", Bpftool.Run("perf"));
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void After_SIGKILL_nothing_stays_attached()
    {
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"], stdoutRedirect: ">/dev/null");
        uint id = sample.WaitUntilAttached();

        sample.Signal(ObservedProcess.SigKill);
        sample.WaitForExit(TimeSpan.FromSeconds(20));

        // The kernel closes a killed process's descriptors as it exits; the link goes with them.
        var clock = Stopwatch.StartNew();
        string perf;
        while ((perf = Bpftool.Run("perf")).Contains($"prog_id {id} ", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(100);
        Assert.DoesNotContain($"prog_id {id} ", perf);
    }
}
