using System.CommandLine;
using Nectar.Testing;
using Nectar.Tool;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Every verb with bad arguments: exit 1, one line per problem on stderr prefixed "nectar", no
/// stack trace, nothing on stdout, and nothing loaded (the checks come first). Before, some of
/// these exited 70 after loading and attaching (--duration 1e12), 2 (bench ringbuf --events 0) or
/// with a misleading message (a directory as "Access denied").
/// </summary>
public class CliArgumentTests
{
    private static readonly string Directory = Path.GetTempPath().TrimEnd('/');
    private static string Mutant(string name) => Path.Combine(Fixtures.Directory, "mutants", name);

    public static TheoryData<string, string[], string> BadArguments => new()
    {
        { "check", ["check", "extra"], "Unrecognized command or argument 'extra'" },
        { "btf dump", ["btf", "dump", "--format", "xml"], "'xml'" },
        { "btf dump", ["btf", "dump", "/nonexistent/vmlinux"], "/nonexistent/vmlinux" },
        { "prog load", ["prog", "load", Directory], "directory, not a regular file" },
        { "prog load", ["prog", "load", Mutant("elf-magic-only-4-bytes.o")], "truncated: it starts with the ELF magic but has 4 bytes" },
        { "prog list", ["prog", "list", "extra"], "Unrecognized command or argument 'extra'" },
        { "map list", ["map", "list", "extra"], "Unrecognized command or argument 'extra'" },
        { "map dump", ["map", "dump", "-1"], "'-1'" },
        { "map dump", ["map", "dump", "abc"], "'abc'" },
        { "map dump", ["map", "dump", "1", "--hist", "--slots", "0"], "--slots must be 1 to 64" },
        { "map watch", ["map", "watch", "1", "--interval", "10ms"], "--interval must be a duration from 100ms to 1h" },
        { "map watch", ["map", "watch", "1", "--count", "0"], "--count must be 1 or more" },
        { "link list", ["link", "list", "extra"], "Unrecognized command or argument 'extra'" },
        { "codegen", ["codegen", "--type", "task_struct", "--btf", "/nonexistent/vmlinux"], "/nonexistent/vmlinux" },
        { "tracepoints", ["tracepoints", "--btf", "/nonexistent/vmlinux"], "/nonexistent/vmlinux" },
        { "bench ringbuf", ["bench", "ringbuf", "--events", "0"], "--events must be a number of events from 1" },
        { "bench ringbuf", ["bench", "ringbuf", "--events", "-5"], "--events must be a number of events from 1" },
        { "bench ringbuf", ["bench", "ringbuf", "--batch", "0"], "--batch must be from 1 to 4096" },
        { "bench ringbuf", ["bench", "ringbuf", "--batch", "5000"], "--batch must be from 1 to 4096" },
        { "bench ringbuf", ["bench", "ringbuf", "--spin-us", "NaN"], "--spin-us must be" },
        { "bench ringbuf", ["bench", "ringbuf", "--object", BpfObjects.PathOf("exec_observer")], "does not follow the benchmark contract (see bpf/ringbuf_bench.bpf.c): it has no global 'target_tgid'" },
        { "bench codegen", ["bench", "codegen", "--iterations", "0"], "--iterations must be" },
        { "bench attach", ["bench", "attach", "--calls", "10"], "--calls must be a number of calls from 1,000" },
        { "bench attach", ["bench", "attach", "--runs", "0"], "--runs must be a number of rounds from 1" },
        { "bench load", ["bench", "load", "--runs", "0"], "--runs must be a number of runs from 1" },
        { "bench layout", ["bench", "layout", "--iterations", "-3"], "--iterations must be a number of reads from 1,000" },
        { "bench btf", ["bench", "btf", "--runs", "-1"], "--runs must be" },
        { "bench startup", ["bench", "startup", "--runs", "0"], "--runs must be a number of runs from 1" },
        { "bench startup", ["bench", "startup", "--nectar", "/nonexistent/nectar"], "--nectar '/nonexistent/nectar' is not a file" },
        { "trace", ["trace", BpfObjects.PathOf("exec_observer"), "--duration", "1e12"], "--duration must be a number of seconds greater than 0" },
        { "trace", ["trace", BpfObjects.PathOf("exec_observer"), "--duration", "Infinity"], "--duration must be a number of seconds greater than 0" },
        { "trace", ["trace", BpfObjects.PathOf("exec_observer"), "--duration", "NaN"], "--duration must be a number of seconds greater than 0" },
        { "trace", ["trace", BpfObjects.PathOf("exec_observer"), "--duration", "0"], "--duration must be a number of seconds greater than 0" },
        { "trace", ["trace", Directory], "directory, not a regular file" },
        { "trace", ["trace", Mutant("elf-header-cut-at-63-bytes.o")], "truncated: it starts with the ELF magic but has 63 bytes" },
        { "iter", ["iter", Directory], "directory, not a regular file" },
        { "iter", ["iter", Mutant("elf-header-cut-at-17-bytes.o")], "truncated: it starts with the ELF magic but has 17 bytes" },
        { "iter", ["iter", BpfObjects.PathOf("map_elem_iter"), "--map-id", "-1"], "'-1'" },
    };

    [KernelTheory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_are_one_line_each_and_exit_1(string verb, string[] arguments, string expected)
    {
        var result = NectarCli.Run(arguments);

        Assert.True(result.ExitCode == 1, $"nectar {verb}: exit {result.ExitCode}\n{result.Error}");
        Assert.Contains(expected, result.Error);
        Assert.All(result.Error.TrimEnd('\n').Split('\n'), line => Assert.StartsWith("nectar", line));
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Every_verb_has_bad_argument_cases()
    {
        var verbs = Leaves(NectarCommand.Create(), "").ToList();
        var covered = BadArguments.Select(row => (string)row[0]).ToHashSet();
        Assert.NotEmpty(verbs);
        Assert.All(verbs, verb => Assert.True(covered.Contains(verb), $"nectar {verb} has no bad-argument case"));
    }

    [KernelFact]
    public void Without_privileges_check_exits_77_as_every_other_verb()
    {
        var result = Processes.RunUnprivileged(NectarCli.DotnetHost, Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"), "check");

        Assert.Equal(77, result.ExitCode);
        Assert.Matches(@"^nectar: [^\n]*CAP_BPF[^\n]*\n$", result.Error);
    }

    private static IEnumerable<string> Leaves(Command command, string path)
    {
        if (command.Subcommands.Count == 0)
        {
            yield return path;
            yield break;
        }
        foreach (var sub in command.Subcommands)
        {
            foreach (var leaf in Leaves(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}"))
                yield return leaf;
        }
    }
}
