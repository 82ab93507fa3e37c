using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar bench ringbuf`, run as a process: its figure lines exist, are well-formed and add up (never checked against time).</summary>
public class BenchRingbufCommandTests
{
    private static Processes.Result Nectar(params string[] arguments) => NectarCli.Run(arguments);

    private const string Number = @"[\d,]+";
    private const string Decimal = @"\d[\d,]*\.\d+";

    [KernelFact]
    public void Consumes_every_event_it_asked_for_with_no_gap_and_prints_the_figures()
    {
        // 1,000 getppid() calls of 64 events: 4.6 MB, far less than the 32 MiB ring, so none may drop.
        var result = Nectar("bench", "ringbuf", "--events", "64000", "--batch", "64", "--runs", "2");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches($@"machine: .+, \d+ CPUs; kernel \S+; load average {Decimal} {Decimal} {Decimal}", result.Output);
        Assert.Matches(@"settings: ring buffer 'events' 32768 KiB; 64-byte records; batch 64; 64,000 events a run; 1 producer thread\(s\); consumer: busy pause up to 200 us", result.Output);
        for (int run = 1; run <= 2; run++)
            Assert.Matches($@"run {run} nectar: 64,000 events in {Decimal} s = {Decimal} M events/s; consumer CPU {Decimal} s = {Decimal} ns/event; submitted 64,000; dropped 0; sequence gaps 0; allocated {Decimal} bytes/event; load average", result.Output);
        Assert.Matches($@"summary nectar: events/s median {Decimal} M, min {Decimal} M, max {Decimal} M over 2 runs; consumer CPU median {Decimal} ns/event, min {Decimal} ns/event, max {Decimal} ns/event over 2 runs; dropped 0 in all", result.Output);
        Assert.DoesNotContain("libbpf", result.Output);
    }

    [KernelFact]
    public void Small_records_two_producers_and_an_idle_consumer_are_measured_too()
    {
        var result = Nectar("bench", "ringbuf", "--events", "32000", "--record-size", "8", "--producers", "2", "--runs", "1", "--idle-seconds", "1");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("8-byte records", result.Output);
        Assert.Contains("2 producer thread(s)", result.Output);
        // Two producers interleave their sequences: no gap count is printed for them.
        Assert.Matches($@"run 1 nectar: {Number} events in {Decimal} s = {Decimal} M events/s; consumer CPU {Decimal} s = {Decimal} ns/event; submitted 32,000; dropped {Number}; allocated", result.Output);
        Assert.DoesNotContain("sequence gaps", result.Output);
        Assert.Matches($@"idle nectar: consumer CPU {Decimal} ms in {Decimal} s waiting on an empty ring", result.Output);
    }

    [KernelFact]
    public void A_zero_batch_is_refused_with_a_message_and_exit_code_one()
    {
        // Bad arguments are exit 1, as for every verb (2 is for a kernel refusal): issue 19.
        var result = Nectar("bench", "ringbuf", "--batch", "0");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--batch must be from 1 to 4096", result.Error);
    }

    [KernelFact]
    public void A_record_size_that_is_not_a_multiple_of_eight_is_refused()
    {
        var result = Nectar("bench", "ringbuf", "--record-size", "12");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--record-size must be from 8 to 4096 bytes and a multiple of 8", result.Error);
    }
}
