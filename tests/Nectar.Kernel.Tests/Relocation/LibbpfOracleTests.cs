using System.Text.RegularExpressions;
using Nectar.Programs;
using Nectar.Relocation;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Relocation;

/// <summary>
/// libbpf as the oracle: bpftool loads bpf/core_read.bpf.o with libbpf's debug log, which prints
/// every CO-RE decision ("relo #5: patched insn #73 (ALU/ALU64) imm 1 -> 0", "substituting insn
/// #87 w/ invalid insn"); Nectar's relocator, run on the same object against the same kernel BTF,
/// must make exactly the same decisions. (libbpf is used here only, as a test oracle.)
/// </summary>
public partial class LibbpfOracleTests
{
    [KernelFact]
    public void Nectar_patches_every_instruction_as_libbpf_does()
    {
        KernelRequirement.Ensure();
        var obj = BpfObjectFile.Open("core_read");
        const string section = "tp_btf/sched_process_exec";
        var report = CoreRelocator.Apply(obj.Instructions(section), 0, obj.CoreRelocations(section), obj.Btf, [VmlinuxBtf.Instance]);
        var ours = report.Results.Select(r => r.Outcome == CoreRelocationOutcome.Poisoned
            ? $"#{r.InstructionIndex} poisoned"
            : $"#{r.InstructionIndex} {r.OriginalValue} -> {r.NewValue}").ToList();

        var libbpf = LibbpfDecisions(obj.Path);

        Assert.Equal(libbpf, ours);
    }

    private static List<string> LibbpfDecisions(string objectPath)
    {
        string pins = Path.Combine("/sys/fs/bpf", $"nectar-oracle-{Environment.ProcessId}");
        try
        {
            var run = Processes.Run("bpftool", ["-d", "prog", "loadall", objectPath, pins]);
            Assert.True(run.ExitCode == 0, "bpftool could not load the object: " + run.Error);
            var decisions = new List<string>();
            foreach (Match match in Decision().Matches(run.Error))
                decisions.Add(match.Groups["poison"].Success
                    ? $"#{match.Groups["poison"].Value} poisoned"
                    : $"#{match.Groups["insn"].Value} {match.Groups["from"].Value} -> {match.Groups["to"].Value}");
            Assert.NotEmpty(decisions);
            return decisions;
        }
        finally
        {
            if (Directory.Exists(pins))
                Directory.Delete(pins, recursive: true);
        }
    }

    // One line per relocation; libbpf's mem_sz lines (load resizing) are not decisions of their own.
    [GeneratedRegex(@"relo #\d+: (?:patched insn #(?<insn>\d+) \([^)]*\) (?:imm|off|imm64) (?<from>\d+) -> (?<to>\d+)|substituting insn #(?<poison>\d+) w/ invalid insn)")]
    private static partial Regex Decision();
}
