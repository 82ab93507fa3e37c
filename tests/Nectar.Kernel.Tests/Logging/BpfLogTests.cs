using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nectar.Events;
using Nectar.Logging;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Logging;

/// <summary>nectar_log.h records from real BPF programs (bpf/log_exec.bpf.c) to ILogger.</summary>
public class BpfLogTests
{
    private sealed class Session : IDisposable
    {
        public readonly CapturingLoggerProvider Provider = new();
        public readonly ILoggerFactory Factory;
        public readonly BpfObject Object;
        public readonly EventPoller Poller = new();
        public readonly BpfLogReader Reader;

        public Session(LogLevel minimum)
        {
            Factory = LoggerFactory.Create(builder => builder.AddProvider(Provider).SetMinimumLevel(LogLevel.Trace));
            var spec = BpfObjectSpec.Read(BpfObjects.PathOf("log_exec"));
            spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
            BpfLog.SetMinimumLevel(spec, minimum);
            Object = spec.Load();
            Reader = BpfLogReader.Attach(Poller, Object, Factory);
        }

        public IEnumerable<CapturingLoggerProvider.Entry> From(string category) => Provider.Entries.Where(e => e.Category == category);

        public void Dispose()
        {
            Reader.Dispose();
            Poller.Dispose();
            Object.Dispose();
            Factory.Dispose();
        }
    }

    [KernelFact]
    public void An_exec_is_logged_with_its_pid_and_file_name_under_the_program_name()
    {
        using var session = new Session(LogLevel.Information);
        using var link = session.Object.Programs["raw_trace_sched_process_exec"].Attach();

        using var child = Process.Start("/bin/true")!;
        child.WaitForExit();
        string expected = $"task.pid: {child.Id}, old_pid: {child.Id}, linux_binprm.filename: /bin/true, ctx.uid: {Nectar.Interop.Libc.GetEffectiveUserId()}";

        var deadline = Stopwatch.StartNew();
        CapturingLoggerProvider.Entry? entry = null;
        while (entry is null && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            session.Poller.Poll(TimeSpan.FromMilliseconds(100));
            entry = session.From("raw_trace_sched_process_exec").FirstOrDefault(e => e.Message == expected);
        }

        Assert.True(entry is not null, $"no record '{expected}' among: {string.Join(" | ", session.Provider.Entries.Select(e => e.Message))}");
        Assert.Equal(LogLevel.Information, entry.Level);
        var state = Assert.IsType<BpfLogEntry>(entry.State);
        Assert.Equal((uint)child.Id, state.Record.Tgid);
        // The record's time is when the program ran, converted from boot time to wall time.
        Assert.InRange(state.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        string line = NectarConsoleFormatter.FormatLine(state.Timestamp, entry.Level, entry.Category, entry.Message);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z INFO raw_trace_sched_process_exec: task\.pid: \d+, ", line);
    }

    [KernelTheory]
    [InlineData(LogLevel.Information, 0)]
    [InlineData(LogLevel.Debug, 100)]
    public void Records_below_the_minimum_level_set_before_load_are_never_produced(LogLevel minimum, int expected)
    {
        using var session = new Session(minimum);
        using (session.Object.Programs["log_getppid"].Attach())
        {
            Workload.CallGetppid(100);
        }
        while (session.Poller.Poll(TimeSpan.Zero) > 0) { }

        var entries = session.From("log_getppid").ToList();
        Assert.Equal(expected, entries.Count);
        Assert.All(entries, e => Assert.Equal($"getppid from {Environment.ProcessId}, sign -1, hex beef", e.Message));
        Assert.All(entries, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(0UL, session.Reader.ReportLost());
    }

    [KernelFact]
    public void Records_lost_to_a_full_ring_are_counted_and_reported()
    {
        using var session = new Session(LogLevel.Debug);
        const int calls = 10_000; // ~112-byte records: far more than the 256 KiB ring holds
        using (session.Object.Programs["log_getppid"].Attach())
        {
            Workload.CallGetppid(calls);
        }
        while (session.Poller.Poll(TimeSpan.Zero) > 0) { }
        ulong lost = session.Reader.ReportLost();

        int logged = session.From("log_getppid").Count();
        Assert.True(lost > 0, "the ring should have overflowed");
        Assert.Equal(calls, logged + (int)lost);
        var warning = Assert.Single(session.From("log_exec"), e => e.Level == LogLevel.Warning);
        Assert.StartsWith($"{lost} log record(s) from BPF object 'log_exec' were lost", warning.Message);
        Assert.Equal(0, session.Reader.MalformedRecords);
    }
}
