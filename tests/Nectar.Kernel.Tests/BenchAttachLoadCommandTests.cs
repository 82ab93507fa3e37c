using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar bench attach` and `nectar bench load`, run as processes: their tables exist and are well-formed (never checked against time).</summary>
public class BenchAttachLoadCommandTests
{
    private static Processes.Result Nectar(params string[] arguments) => NectarCli.Run(arguments);

    private const string Decimal = @"-?\d[\d,]*\.\d+";

    [KernelFact]
    public void Attach_measures_the_bare_syscall_and_every_tracepoint_style_and_says_which_the_kernel_refused()
    {
        var result = Nectar("bench", "attach", "--calls", "2000", "--runs", "2");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"machine: .+; kernel \S+; load average", result.Output);
        Assert.Matches($@"run 2 nectar: bare {Decimal} ns/call; raw_tp_count [+-]{Decimal} ns; raw_tp_ringbuf [+-]{Decimal} ns", result.Output);
        Assert.Matches($@"\nbare\s+{Decimal}\s+{Decimal}\s+-\s+-", result.Output);
        foreach (string program in new[] { "raw_tp_count", "raw_tp_ringbuf", "tp_btf_count", "tp_btf_ringbuf", "tracepoint_count", "tracepoint_ringbuf" })
            Assert.Matches($@"\n{program}\s+\+\s*{Decimal}\s+{Decimal}", result.Output);
        // kprobe and fentry: measured where the kernel allows them, else named as refused.
        foreach (string program in new[] { "kprobe_count", "fentry_count" })
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Output, $@"\n{program}\s+\+\s*{Decimal}")
                        || result.Output.Contains($"refused: {program.Split('_')[0]}_", StringComparison.Ordinal)
                        || result.Output.Contains($"refused: attach_bench_{program.Split('_')[0]}.bpf.o", StringComparison.Ordinal),
                $"{program}: neither measured nor refused\n{result.Output}");
    }

    [KernelFact]
    public void Load_prints_cold_and_warm_phases_of_the_exec_observer()
    {
        var result = Nectar("bench", "load", "--runs", "2");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("exec_observer.bpf.o", result.Output);
        for (int run = 1; run <= 2; run++)
            Assert.Matches($@"cold {run} nectar: open_ms={Decimal} load_ms={Decimal} attach_ms={Decimal} total_ms={Decimal} process_ms={Decimal}", result.Output);
        foreach (string phase in new[] { "open", "load", "attach", "total" })
            Assert.Matches($@"\n{phase}\s+{Decimal}\s+{Decimal}\s+-\s+{Decimal}\s+{Decimal}\s+-", result.Output);
    }

    [KernelFact]
    public void Bad_counts_are_refused_with_a_message()
    {
        var attach = Nectar("bench", "attach", "--calls", "10");
        Assert.Equal(1, attach.ExitCode);
        Assert.Contains("--calls must be a number of calls from 1,000", attach.Error);
        var load = Nectar("bench", "load", "--runs", "0");
        Assert.Equal(1, load.ExitCode);
        Assert.Contains("--runs must be a number of runs from 1", load.Error);
    }
}
