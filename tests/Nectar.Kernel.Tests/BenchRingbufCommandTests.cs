using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar bench ringbuf`, run as a process: its figures add up (never checked against time).</summary>
public class BenchRingbufCommandTests
{
    private static Processes.Result Nectar(params string[] arguments) => NectarCli.Run(arguments);

    [KernelFact]
    public void Consumes_every_event_it_asked_for_with_no_gap_and_prints_the_figures()
    {
        // 1,000 getppid() calls of 64 events: 4.6 MB, far less than the 32 MiB ring, so none may drop.
        var result = Nectar("bench", "ringbuf", "--events", "64000", "--batch", "64", "--spin-us", "0");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"consumed:\s+64,000 events in [\d.]+ s = [\d.]+ M events/s", result.Output);
        Assert.Matches(@"submitted:\s+64,000 events", result.Output);
        Assert.Matches(@"dropped:\s+0 events", result.Output);
        Assert.Contains("sequence gaps seen by the consumer: 0", result.Output);
        Assert.Matches(@"allocated: [\d.]+ bytes/event on the consumer thread", result.Output);
    }

    [KernelFact]
    public void A_zero_batch_is_refused_with_a_message_and_exit_code_two()
    {
        var result = Nectar("bench", "ringbuf", "--batch", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--events and --batch must be positive", result.Error);
    }
}
