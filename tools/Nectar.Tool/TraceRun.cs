using Nectar.Events;
using Nectar.Output;

namespace Nectar.Tool;

/// <summary>
/// How `nectar trace` runs and ends: polls until Ctrl-C, --duration or a failed output; once a
/// second reports new drops and notices a reader that went away; detaches before anything else
/// when it stops; then says how many lines were produced and written. Exit code: 0 stopped,
/// also when standard output was closed by its reader (as `| head` does: a normal end for a Unix
/// tool); 1 when writing the output failed (a full disk...).
/// </summary>
internal static class TraceRun
{
    /// <summary>How long a stop waits for the consumer when its output blocks (a reader that stopped reading).</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public static int Run(EventPoller poller, CancellationTokenSource stop, LineOutput output, Action reportDrops, Func<ulong> dropped, Action detach)
    {
        using var onFailure = output.Failed.Register(static s => ((CancellationTokenSource)s!).Cancel(), stop);
        var run = poller.RunAsync(stop.Token);
        while (Task.WaitAny([run], TimeSpan.FromSeconds(1)) < 0 && !stop.IsCancellationRequested)
        {
            reportDrops();
            output.CheckReader();
        }
        // Detach first: whatever happens to the consumer now, nothing stays attached.
        detach();
        if (Task.WaitAny([run], StopGrace) < 0)
        {
            // The consumer is stuck writing to an output nobody reads; the process ending
            // releases the rest (the poller cannot be disposed while its poll is blocked).
            Console.Error.WriteLine($"nectar trace: {output.Name} stopped taking lines (its reader does not read); detached after {Counts(output, dropped())}.");
            Environment.Exit(TraceCommand.ExitBadInput);
        }
        if (run.IsFaulted)
            run.GetAwaiter().GetResult(); // a handler's exception: the caller's handlers report it
        reportDrops();

        if (output.ReaderClosed)
        {
            Console.Error.WriteLine($"nectar trace: {output.Name} was closed by its reader; detached after {Counts(output, dropped())}.");
            return 0;
        }
        if (output.Failure is { } failure)
        {
            Console.Error.WriteLine($"nectar trace: writing to {output.Name} failed: {failure}; detached after {Counts(output, dropped())}.");
            return TraceCommand.ExitBadInput;
        }
        Console.Error.WriteLine($"nectar trace: detached after {Counts(output, dropped())}.");
        return 0;
    }

    private static string Counts(LineOutput output, ulong dropped)
        => $"{output.LinesWritten + output.LinesNotWritten} line(s) produced, {output.LinesWritten} written, {dropped} event(s) counted dropped";
}
