using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nectar.Interop;
using Nectar.Output;

namespace Nectar.Samples.ExecObserver;

/// <summary>
/// The sample's command: runs an <see cref="ExecObserverSession"/> until Ctrl-C, SIGTERM or a
/// failed output. Exec lines go to standard output through a checked <see cref="LineOutput"/>
/// (so the count printed at the end is of lines written), the sample's own warnings (drops,
/// reported once a second as they happen) to standard error.
/// </summary>
internal static class ExecObserverCommand
{
    /// <summary>How long a stop waits for the consumer when its output blocks (a reader that stopped reading).</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(ExecObserverMode mode)
    {
        if (KernelSupport.WhyUnavailable is { } reason)
        {
            Console.Error.WriteLine($"ExecObserver: {reason}");
            return 77; // the conventional "cannot run here" code, as opposed to 1, a failure
        }

        using var output = LineOutput.StandardOutput();
        using var errors = LineOutput.StandardError();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddNectarLines(output, errors));
        // Ctrl-C (SIGINT), SIGTERM or a failed output stops the loop. Registered before anything
        // loads: a signal that comes as soon as the "attached" line is out must not be lost.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(output.Failed);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);
        void StopGracefully(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        ExecObserverSession session;
        try
        {
            session = new ExecObserverSession(loggerFactory, mode);
        }
        catch (Exception e) when (e is BpfException or IOException or Elf.ElfException or Btf.BtfException)
        {
            Console.Error.WriteLine($"ExecObserver: {e.Message.ReplaceLineEndings(" ")}");
            return e is BpfPermissionException ? 77 : 1;
        }
        using (session)
        {
            Console.Error.WriteLine($"ExecObserver: {session.ProgramName} attached to sched_process_exec (program id {session.Program.Id}); Ctrl-C to stop.");
            var memory = MemoryReport.FromEnvironment();
            var run = session.RunAsync(stop.Token);
            while (!run.IsCompleted && !stop.IsCancellationRequested)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1), stop.Token));
                session.ReportNewDrops();
                output.CheckReader();
                if (memory?.Due(session.ExecsObserved) is { } memoryLine)
                    errors.TryWriteLine($"ExecObserver: {memoryLine}");
            }
            // Detach first: whatever happens to the consumer now, nothing stays attached.
            session.Detach();
            await Task.WhenAny(run, Task.Delay(StopGrace));
            if (!run.IsCompleted)
            {
                // The consumer is stuck writing to an output nobody reads. The program is detached;
                // leaving now lets the kernel release the rest with the process.
                Console.Error.WriteLine($"ExecObserver: {output.Name} stopped taking lines (its reader does not read); detached after {session.ExecsObserved} exec(s) observed, {output.LinesWritten} written, {session.EventsDropped} dropped.");
                Environment.Exit(1);
            }
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // Stopped: log what was recorded before the program was detached.
            }
            session.DetachAndDrain();
            session.ReportNewDrops();

            string counts = $"{session.ExecsObserved} exec(s) observed, {output.LinesWritten} written, {session.EventsDropped} dropped";
            if (output.ReaderClosed)
            {
                Console.Error.WriteLine($"ExecObserver: {output.Name} was closed by its reader; detached after {counts}.");
                return 0;
            }
            if (output.Failure is { } failure)
            {
                Console.Error.WriteLine($"ExecObserver: writing to {output.Name} failed: {failure}; detached after {counts}.");
                return 1;
            }
            Console.Error.WriteLine($"ExecObserver: detached after {counts}.");
            return 0;
        }
    }
}
