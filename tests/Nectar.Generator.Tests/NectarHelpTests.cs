using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>`nectar --help` as a user reads it: the command is named as they type it.</summary>
public class NectarHelpTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "nectar [command] [options]")]
    [InlineData(new[] { "btf", "dump", "--help" }, "nectar btf dump [<FILE>] [options]")]
    public void Usage_names_the_command_nectar(string[] arguments, string usage)
    {
        var run = NectarCli.Run(arguments);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("Usage:\n  " + usage, run.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Nectar.Tool", run.Output);
    }

    [Fact]
    public void No_verb_is_a_usage_error_that_lists_the_verbs()
    {
        var run = NectarCli.Run();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Required command was not provided.", run.Error);
        Assert.Contains("bench", run.Output);
    }
}
