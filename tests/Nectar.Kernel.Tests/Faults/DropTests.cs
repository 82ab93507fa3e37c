using Microsoft.Extensions.Logging;
using Nectar.Kernel.Tests.Logging;
using Nectar.Samples.ExecObserver;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>
/// Exec storms against the exec observer: every exec of the storm is either logged or counted as
/// dropped, and drops are reported while running (once a second in the sample), not only at exit.
/// </summary>
public class DropTests
{
    [KernelFact]
    public void A_stalled_consumer_with_concurrent_producers_counts_every_exec_it_could_not_keep_and_reports_the_drops()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory, ExecObserverMode.Raw);
        using var storm = new ExecStorm();

        // Nobody polls while 4 threads exec: the 1 MiB ring holds about 1,500 events of 688 bytes.
        var pids = storm.Run(threads: 4, perThread: 500);
        // Detached first: the ring is full, so the machine's other execs would go on adding drops
        // between this report and the check below that nothing new is reported.
        session.Detach();
        ulong fresh = session.ReportNewDrops();
        session.DetachAndDrain();

        var logged = LoggedStormPids(capture, storm);
        int missing = pids.Count(pid => !logged.Contains(pid));
        Assert.True(fresh > 0, $"no drop reported; {logged.Count} of {pids.Count} storm execs logged");
        // Drops include the machine's other execs: at least every storm exec not logged is among them.
        Assert.True((ulong)missing <= session.EventsDropped, $"{missing} storm exec(s) neither logged nor counted ({session.EventsDropped} dropped)");
        var warning = Assert.Single(capture.Entries, e => e.Category == ExecObserverSession.DiagnosticsCategory);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Matches($@"^{fresh} exec\(s\) dropped since the last report: the ring buffer 'events' was full \({fresh} dropped in all\)\.", warning.Message);
        Assert.Equal(0UL, session.ReportNewDrops()); // reported once, not again
    }

    [KernelFact]
    public async Task An_exec_storm_with_a_polling_consumer_logs_every_exec_or_counts_it_dropped()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory, ExecObserverMode.Btf);
        using var storm = new ExecStorm();
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync(stop.Token);

        var pids = storm.Run(threads: 4, perThread: 300);
        session.Detach();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        session.DetachAndDrain();

        var logged = LoggedStormPids(capture, storm);
        int missing = pids.Count(pid => !logged.Contains(pid));
        Assert.True((ulong)missing <= session.EventsDropped, $"{missing} of {pids.Count} storm exec(s) neither logged nor counted ({session.EventsDropped} dropped)");
        Assert.Equal(capture.Entries.Count(e => e.Category == session.ProgramName), session.ExecsObserved);
    }

    [KernelFact]
    public void The_sample_reports_drops_on_stderr_while_it_runs_when_its_output_stalls()
    {
        using var storm = new ExecStorm();
        // Standard output is a pipe this test does not read: once its 64 KiB are full the
        // consumer blocks in write(), the ring fills, and the BPF side counts drops.
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"]);
        sample.WaitUntilAttached();
        var producers = Task.Run(() => storm.Run(threads: 4, perThread: 600));

        var report = sample.WaitForError(@"WARN ExecObserver: (\d+) exec\(s\) dropped since the last report", TimeSpan.FromSeconds(120));
        Assert.True(int.Parse(report.Groups[1].Value) > 0);
        Assert.False(sample.Process.HasExited, "the drop was reported only at exit");

        // Unstall, stop: the final line counts the drops too.
        var drain = sample.StandardOutput.ReadToEndAsync();
        producers.Wait();
        sample.Signal(ObservedProcess.SigTerm);
        Assert.Equal(0, sample.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Matches(@"ExecObserver: detached after \d+ exec\(s\) observed, \d+ written, [1-9]\d* dropped\.", sample.ErrorText);
        Assert.NotEmpty(drain.Result);
    }

    private static HashSet<int> LoggedStormPids(CapturingLoggerProvider capture, ExecStorm storm)
        => capture.Entries.Where(e => e.Message.Contains($"linux_binprm.filename: {storm.Program},", StringComparison.Ordinal))
            .Select(e => int.Parse(e.Message["task.pid: ".Length..e.Message.IndexOf(',')]))
            .ToHashSet();
}
