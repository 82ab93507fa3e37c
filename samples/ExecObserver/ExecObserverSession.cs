using Microsoft.Extensions.Logging;
using Nectar.Events;
using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Samples.ExecObserver;

/// <summary>
/// The exec observer's core, apart from its command line so that a test can run it: loads
/// bpf/exec_observer.bpf.o through its generated skeleton (<see cref="ExecObserverObject"/>), attaches the program of the chosen mode to sched_process_exec, and
/// logs one line per exec through an <see cref="ILogger"/> whose category is the program's name:
/// <c>task.pid: 82000, old_pid: 82000, linux_binprm.filename: /bin/sh, ctx.uid: 502, linux_binprm.argc: 3,
/// linux_binprm.envc: 2, linux_binprm.buf: \x7fELF</c>.
/// Dispose detaches the program and unloads everything.
/// </summary>
public sealed class ExecObserverSession : IDisposable
{
    /// <summary>Where the build puts the object (BpfProgram items are copied to bpf/ in the output).</summary>
    public static string DefaultObjectPath => Path.Combine(AppContext.BaseDirectory, "bpf", "exec_observer.bpf.o");

    private readonly ExecObserverObject _skeleton;
    private readonly EventPoller _poller;
    private readonly BpfLink _link;
    private readonly ILogger _logger;
    private readonly ILogger _diagnostics;
    private ulong _dropsReported;

    public ExecObserverSession(ILoggerFactory loggerFactory, ExecObserverMode mode = ExecObserverMode.Btf, string? objectPath = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ProgramName = ProgramNameOf(mode);
        _logger = loggerFactory.CreateLogger(ProgramName);
        _diagnostics = loggerFactory.CreateLogger(DiagnosticsCategory);
        _skeleton = ExecObserverObject.Open(objectPath ?? DefaultObjectPath);
        try
        {
            _skeleton.Load();
            _poller = new EventPoller();
            _skeleton.PollEvents(_poller, OnExec);
            Program = mode == ExecObserverMode.Raw ? _skeleton.RawTraceSchedProcessExec : _skeleton.BtfSchedProcessExec;
            _link = Program.Attach();
        }
        catch
        {
            _poller?.Dispose();
            _skeleton.Dispose();
            throw;
        }
    }

    /// <summary>
    /// About how many descriptors a session opens (maps, programs, BTF, the link, the poller,
    /// measured with 2 CPUs and a margin for more): checked against the limit before loading.
    /// </summary>
    public const int FileDescriptorsNeeded = 32;

    /// <summary>The attached program's name, also the log category.</summary>
    public string ProgramName { get; }

    /// <summary>The attached program (its kernel id, for instance).</summary>
    public BpfProgram Program { get; }

    /// <summary>The log category of the sample's own records (drops), as opposed to execs.</summary>
    public const string DiagnosticsCategory = "ExecObserver";

    /// <summary>
    /// Execs observed and handed to the logger so far. How many lines that made is the output's
    /// count: a logger may fail to write (see the sample's Program.cs).
    /// </summary>
    public long ExecsObserved { get; private set; }

    /// <summary>Events the BPF side could not write because the ring buffer was full.</summary>
    public ulong EventsDropped => _skeleton.Dropped;

    public static string ProgramNameOf(ExecObserverMode mode) => mode switch
    {
        ExecObserverMode.Btf => "btf_sched_process_exec",
        ExecObserverMode.Raw => "raw_trace_sched_process_exec",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Choose ExecObserverMode.Btf or ExecObserverMode.Raw."),
    };

    /// <summary>The line for one exec: the decoded tracepoint arguments and the kernel's snapshot.</summary>
    public static string Describe(in ExecObserverObject.ExecEvent exec)
        => $"task.pid: {exec.Pid}, old_pid: {exec.Arguments.OldPid}, linux_binprm.filename: {exec.FilenameText}, ctx.uid: {exec.Uid}"
            + (exec.Binprm is { } bprm ? $", linux_binprm.argc: {bprm.Argc}, linux_binprm.envc: {bprm.Envc}, linux_binprm.buf: {Header(bprm.Buf)}" : "");

    /// <summary>The first bytes of the executable as the kernel read them: <c>\x7fELF</c> for a binary, <c>#!/b</c> for a script.</summary>
    public static string Header(ReadOnlySpan<byte> buf)
    {
        var text = new System.Text.StringBuilder();
        foreach (byte b in buf[..Math.Min(4, buf.Length)])
            text.Append(b is >= 0x21 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        return text.ToString();
    }

    /// <summary>
    /// Logs a warning (category <see cref="DiagnosticsCategory"/>) when exec events were dropped
    /// since the last report, with how many and the total; returns the number of new drops. Call it
    /// once a second while running, so that a user sees loss as it happens, not only at exit.
    /// </summary>
    public ulong ReportNewDrops()
    {
        ulong dropped = EventsDropped;
        if (dropped <= _dropsReported)
            return 0;
        ulong fresh = dropped - _dropsReported;
        _dropsReported = dropped;
        _diagnostics.LogWarning("{New} exec(s) dropped since the last report: the ring buffer 'events' was full ({Total} dropped in all). The consumer or its output is too slow for this exec rate.", fresh, dropped);
        return fresh;
    }

    /// <summary>Logs the execs that arrive within <paramref name="timeout"/>; returns how many.</summary>
    public int Poll(TimeSpan timeout) => _poller.Poll(timeout);

    /// <summary>Logs execs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _poller.RunAsync(cancellationToken);

    /// <summary>
    /// Detaches the program, then logs the execs it recorded that were not consumed yet: a stop
    /// (Ctrl-C) loses nothing the kernel already handed over.
    /// </summary>
    public void DetachAndDrain()
    {
        Detach();
        while (_poller.Poll(TimeSpan.Zero) > 0) { }
    }

    /// <summary>Detaches the program: no new execs are recorded. Any thread may call it, also while polling.</summary>
    public void Detach() => _link.Dispose();

    private void OnExec(ref readonly ExecObserverObject.ExecEvent exec)
    {
        ExecsObserved++;
        _logger.Log(LogLevel.Information, default, Describe(in exec), null, static (message, _) => message);
    }

    public void Dispose()
    {
        _link.Dispose();
        _poller.Dispose();
        _skeleton.Dispose();
    }
}
