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
    public void The_verbs_run_without_a_parse_take_no_options_or_arguments_and_only_their_exact_words_skip_the_parse()
    {
        var whole = NectarCommand.Create();
        var direct = NectarCommand.DirectVerbWords.ToList();
        Assert.Equal(["prog list", "map list", "link list"], direct.Select(words => string.Join(' ', words)));
        foreach (string[] words in direct)
        {
            // What the parse of these words alone would run: that verb, with nothing to read.
            var parse = whole.Parse(words);
            Assert.Empty(parse.Errors);
            Assert.Equal(words[^1], parse.CommandResult.Command.Name);
            Assert.Equal(words[0], parse.CommandResult.Command.Parents.OfType<Command>().First().Name);
            Assert.NotNull(parse.CommandResult.Command.Action);
            Assert.Empty(parse.CommandResult.Command.Options);
            Assert.Empty(parse.CommandResult.Command.Arguments);
            Assert.Empty(parse.CommandResult.Command.Subcommands);
        }
        // Anything else is parsed (and errors, help or version come from the parse), so nothing runs.
        foreach (string[] arguments in new[] { new[] { "prog", "list", "extra" }, ["prog", "list", "-h"], ["prog"], ["list", "prog"], ["prog", "load"], ["Prog", "list"], [] })
        {
            Assert.False(NectarCommand.TryRunDirectly(arguments, out int exitCode));
            Assert.Equal(0, exitCode);
        }
    }

    [KernelFact]
    public void The_list_verbs_run_directly_print_their_tables()
    {
        foreach (var (words, header) in new[] { (new[] { "prog", "list" }, "^id +type +name +tag\n"), (["map", "list"], "^id +type +name +key +value +entries +flags\n"), (["link", "list"], "^id +type +prog\n") })
        {
            var result = NectarCli.Run(words);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Matches(header, result.Output);
            Assert.Equal("", result.Error);
        }
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
