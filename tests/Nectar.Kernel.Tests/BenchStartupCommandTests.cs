using System.CommandLine;
using Nectar.Testing;
using Nectar.Tool;

namespace Nectar.Kernel.Tests;

/// <summary>
/// `nectar bench startup` prints both start-up figures and their ratio (never checked against
/// time), and the command line that makes only the verb asked for parses as the whole one does.
/// </summary>
public class BenchStartupCommandTests
{
    private const string Decimal = @"\d+\.\d+";

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Startup_prints_nectar_and_bpftool_and_the_ratio()
    {
        var result = NectarCli.Run("bench", "startup", "--runs", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"machine: .+; kernel \S+; load average", result.Output);
        Assert.Matches($@"\nbpftool\s+{Decimal}\s+{Decimal}\s+{Decimal}\s+{Decimal}\n", result.Output);
        Assert.Matches($@"\nnectar \(JIT, this one\)\s+{Decimal}\s+{Decimal}\s+{Decimal}\s+{Decimal}\s+{Decimal}x {Decimal}x\n", result.Output);
        Assert.Contains("(medians over 2 run(s); the target is within 3x of bpftool;", result.Output);
    }

    [Fact]
    public void The_command_line_for_one_verb_has_that_verb_alone_and_parses_as_the_whole_one()
    {
        var whole = NectarCommand.Create();
        var prog = NectarCommand.ForArguments(["prog", "list"]);
        var unknown = NectarCommand.ForArguments(["progg"]);
        var help = NectarCommand.ForArguments(["prog", "list", "-h"]);

        Assert.Equal(["prog"], prog.Subcommands.Select(c => c.Name));
        Assert.Equal(whole.Subcommands.Select(c => c.Name), unknown.Subcommands.Select(c => c.Name));
        Assert.True(whole.Subcommands.Count >= 10);
        // Help and version are made when an argument may ask for them, only then.
        Assert.Empty(prog.Options);
        Assert.Equal(["--help", "--version"], help.Options.Select(o => o.Name));
        Assert.Equal(["prog"], help.Subcommands.Select(c => c.Name));
        Assert.Equal(whole.Options.Select(o => o.Name), NectarCommand.ForArguments([]).Options.Select(o => o.Name));
        foreach (string[] arguments in new[] { new[] { "prog", "list" }, ["prog", "load", "x.o"], ["prog", "list", "extra"] })
        {
            var expected = whole.Parse(arguments);
            var actual = prog.Parse(arguments);
            Assert.Equal(expected.CommandResult.Command.Name, actual.CommandResult.Command.Name);
            Assert.Equal(expected.Errors.Select(e => e.Message), actual.Errors.Select(e => e.Message));
        }
    }
}
