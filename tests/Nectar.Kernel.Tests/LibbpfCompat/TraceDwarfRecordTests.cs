using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// `nectar trace --record` on bpf/dwarf_record.bpf.o, whose record struct is in its DWARF and not
/// its BTF: printed field by field from DWARF, and as hex without --record.
/// </summary>
public partial class TraceDwarfRecordTests
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();

    private static Processes.Result TraceWhileCallingGetppid(params string[] options)
    {
        int pid = Environment.ProcessId;
        var trace = Task.Run(() => NectarCli.Run(["trace", BpfObjects.PathOf("dwarf_record"), "--duration", "3", "--set", $"target_tgid={pid}", .. options]));
        while (!trace.IsCompleted)
        {
            _ = GetParentPid();
            Thread.Sleep(50);
        }
        var result = trace.Result;
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        return result;
    }

    [KernelFact]
    public void A_record_struct_only_DWARF_describes_is_printed_field_by_field()
    {
        var result = TraceWhileCallingGetppid("--record", "events=dwarf_event");
        var records = DwarfEventLine().Matches(result.Output).ToList();
        Assert.True(records.Count > 0, result.Output + result.Error);
        Assert.All(records, r => Assert.Equal(Environment.ProcessId.ToString(), r.Groups["pid"].Value));
        var sequence = records.Select(r => long.Parse(r.Groups["seq"].Value)).ToList();
        Assert.Equal(sequence.Order(), sequence);
    }

    [KernelFact]
    public void Without_record_the_same_records_are_hex()
    {
        var result = TraceWhileCallingGetppid();
        Assert.Matches(HexLine(), result.Output);
        Assert.DoesNotMatch(DwarfEventLine(), result.Output);
    }

    [GeneratedRegex(@"^events: dwarf_event \{ sequence: (?<seq>\d+), pid: (?<pid>\d+), delta: -7, kind: 110, comm: ""[^""]*"", bytes: \[1, 2, 255\], pointer: 0x1234 \}$", RegexOptions.Multiline)]
    private static partial Regex DwarfEventLine();

    [GeneratedRegex(@"^events: 48 bytes: [0-9a-f]{96}$", RegexOptions.Multiline)]
    private static partial Regex HexLine();
}
