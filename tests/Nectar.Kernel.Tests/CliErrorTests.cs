using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar` errors: one line on stderr, an exit code that says which kind, never a stack trace.</summary>
public class CliErrorTests
{
    [KernelFact]
    public void Without_privileges_a_verb_says_what_it_needs_and_exits_77()
    {
        var result = Processes.RunUnprivileged(NectarCli.DotnetHost, Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"), "prog", "list");

        Assert.Equal(77, result.ExitCode);
        Assert.Matches(@"^nectar: [^\n]*Operation not permitted[^\n]*CAP_BPF[^\n]*\n$", result.Error);
        Assert.Equal("", result.Output);
    }

    [KernelFact]
    public void A_missing_file_is_one_line_and_exit_code_1()
    {
        var result = NectarCli.Run("prog", "load", "/nonexistent/x.bpf.o");
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^nectar: [^\n]*/nonexistent/x\.bpf\.o[^\n]*\n$", result.Error);
    }

    [KernelFact]
    public void An_extern_no_config_value_can_fill_is_one_line_naming_it_and_exit_code_1()
    {
        var result = NectarCli.Run("prog", "load", BpfObjects.PathOf("extern_unsupported"));
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^nectar: [^\n]*'CONFIG_NECTAR_POINTER'[^\n]*\n$", result.Error);
    }
}
