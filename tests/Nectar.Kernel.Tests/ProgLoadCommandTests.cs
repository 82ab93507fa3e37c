using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar prog load OBJ`, run as the user runs it: a separate process, its output and exit code.</summary>
public class ProgLoadCommandTests
{
    private static Processes.Result Nectar(params string[] arguments) => NectarCli.Run(arguments);

    [KernelFact]
    public void Reports_each_program_ok_and_exits_zero()
    {
        var result = Nectar("prog", "load", BpfObjects.PathOf("subprograms"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"ok\s+add_one \(raw_tp/sys_enter\): id \d+", result.Output);
        Assert.Matches(@"ok\s+add_two \(raw_tp/sys_enter\): id \d+", result.Output);
        Assert.Contains("2 of 2 program(s)", result.Output);
    }

    [KernelFact]
    public void Reports_the_verifier_reason_with_its_source_line_and_exits_non_zero()
    {
        var result = Nectar("prog", "load", BpfObjects.PathOf("verifier_reject"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED  unchecked_lookup (raw_tp/sys_enter)", result.Output);
        Assert.Contains("bpf/verifier_reject.bpf.c:9:", result.Output);
        Assert.Contains("invalid mem access", result.Output);
    }

    [KernelFact]
    public void Reports_unsupported_sections_as_skipped_and_exits_non_zero()
    {
        var result = Nectar("prog", "load", BpfObjects.PathOf("unsupported_sections"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("skipped replace_handler (freplace/handler): section 'freplace/handler' replaces a function of another loaded BPF program", result.Output);
        Assert.Matches(@"ok\s+supported_one", result.Output);
    }

    [Fact]
    public void Names_a_file_that_is_not_a_BPF_object()
    {
        var result = Nectar("prog", "load", typeof(ProgLoadCommandTests).Assembly.Location);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not an ELF file", result.Error);
    }
}
