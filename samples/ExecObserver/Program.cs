using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nectar;
using Nectar.Logging;
using Nectar.Samples.ExecObserver;

// The exec observer: one log line per exec on this machine, until Ctrl-C.
var mode = new Option<ExecObserverMode>("--mode")
{
    Description = "btf: a BTF-typed tracepoint (tp_btf); raw: a raw tracepoint reading ctx->args[0..2].",
    DefaultValueFactory = _ => ExecObserverMode.Btf,
};
var root = new RootCommand("Logs one line per exec on this machine (sched_process_exec), until Ctrl-C.") { mode };
root.SetAction(async result =>
{
    if (KernelSupport.WhyUnavailable is { } reason)
    {
        Console.Error.WriteLine($"ExecObserver: {reason}");
        return 77; // the conventional "cannot run here" code, as opposed to 1, a failure
    }

    using var loggerFactory = LoggerFactory.Create(logging => logging.AddNectarConsole());
    try
    {
        using var session = new ExecObserverSession(loggerFactory, result.GetValue(mode));
        Console.Error.WriteLine($"ExecObserver: {session.ProgramName} attached to sched_process_exec (program id {session.Program.Id}); Ctrl-C to stop.");
        // Ctrl-C (SIGINT) or SIGTERM stops the loop; leaving the using blocks detaches and unloads.
        using var stop = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);
        try
        {
            await session.RunAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: stop recording, then log what was recorded before it.
        }
        session.DetachAndDrain();
        void StopGracefully(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
        Console.Error.WriteLine($"ExecObserver: detached after {session.ExecsLogged} exec(s), {session.EventsDropped} dropped.");
        return 0;
    }
    catch (Exception e) when (e is BpfException or IOException)
    {
        Console.Error.WriteLine($"ExecObserver: {e.Message}");
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
