using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// `nectar trace` on bpf/libbpf_tool.bpf.o, a tool written for libbpf: a perf buffer read like a
/// ring buffer, its const volatile filter set with --set, one of its two copies of a handler chosen
/// with --program, its `struct event` named with --record, and a 1 KiB record printed as cut hex.
/// </summary>
public partial class TraceLibbpfToolTests
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();

    [KernelFact]
    public void Trace_reads_a_perf_buffer_with_settings_one_program_and_a_named_record()
    {
        int pid = Environment.ProcessId;
        var trace = Task.Run(() => NectarCli.Run("trace", BpfObjects.PathOf("libbpf_tool"), "--duration", "4",
            "--program", "handle_raw", "--set", $"target_tgid={pid}", "--set", "delta=-7", "--set", "send_raw=true", "--record", "events=event"));
        while (!trace.IsCompleted)
        {
            _ = GetParentPid();
            Thread.Sleep(50);
        }
        var result = trace.Result;
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("1 program(s) of libbpf_tool.bpf.o attached; printing events, raw_events.", result.Error);

        var records = EventLine().Matches(result.Output).ToList();
        Assert.True(records.Count > 0, result.Output);
        Assert.All(records, r => Assert.Equal(pid.ToString(), r.Groups["pid"].Value));
        Assert.All(records, r => Assert.Equal("2", r.Groups["source"].Value)); // only the raw_tp copy ran
        var sequence = records.Select(r => long.Parse(r.Groups["seq"].Value)).ToList();
        Assert.Equal(sequence.Count, sequence.Distinct().Count());

        var raw = RawLine().Match(result.Output);
        Assert.True(raw.Success, result.Output);
        Assert.StartsWith("ab", raw.Groups["hex"].Value);
        Assert.DoesNotContain(result.Output.Split('\n'), line => line.Length > 300);
    }

    [KernelFact]
    public void Trace_loads_but_does_not_attach_programs_something_else_attaches_and_says_so()
    {
        var result = NectarCli.Run("trace", BpfObjects.PathOf("libbpf_sections"), "--program", "xdp_devmap_prog", "--program", "tp_alias_prog", "--duration", "1");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("not attaching 'xdp_devmap_prog': section 'xdp/devmap' is an XDP program run from a devmap entry", result.Error);
        Assert.Contains("1 program(s) of libbpf_sections.bpf.o attached", result.Error);
    }

    [Theory]
    [InlineData("--set", "target_tgid=abc", "'abc' is not an unsigned 32-bit integer")]
    [InlineData("--set", "target_tgid=4294967296", "from 0 to 4294967295")]
    [InlineData("--set", "delta=-2147483649", "from -2147483648 to 2147483647")]
    [InlineData("--set", "send_raw=maybe", "is not a bool")]
    [InlineData("--set", "no_such=1", "has no global variable 'no_such'")]
    [InlineData("--set", "target_tgid", "write NAME=VALUE")]
    [InlineData("--program", "no_such", "has no program 'no_such'; it has handle_btf, handle_raw")]
    [InlineData("--record", "events=no_such", "has no struct 'no_such'")]
    [InlineData("--record", "events", "write MAP=STRUCT")]
    public void Bad_settings_are_refused_by_name_before_anything_loads(string option, string value, string expected)
    {
        var result = NectarCli.Run("trace", BpfObjects.PathOf("libbpf_tool"), option, value, "--duration", "1");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [GeneratedRegex(@"^events: event \{ pid: (?<pid>\d+), source: (?<source>\d+), seq: (?<seq>\d+), delta: -7, comm: ""[^""]*"" \}$", RegexOptions.Multiline)]
    private static partial Regex EventLine();

    [GeneratedRegex(@"^raw_events: (?<length>\d+) bytes: (?<hex>[0-9a-f]{128})\.\.\. \(\k<length> bytes in all, first 64 shown\)$", RegexOptions.Multiline)]
    private static partial Regex RawLine();
}
