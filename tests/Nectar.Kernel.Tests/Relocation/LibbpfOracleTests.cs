using System.Text.RegularExpressions;
using Nectar.Programs;
using Nectar.Relocation;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Relocation;

/// <summary>
/// libbpf as the oracle: bpftool loads a CO-RE object (bpf/core_read.bpf.o, bpf/core_reads.bpf.o) with libbpf's debug log, which prints
/// every CO-RE decision ("relo #5: patched insn #73 (ALU/ALU64) imm 1 -> 0", "substituting insn
/// #87 w/ invalid insn"); Nectar's relocator, run on the same object against the same kernel BTF,
/// must make exactly the same decisions. (libbpf is used here only, as a test oracle.)
/// </summary>
public partial class LibbpfOracleTests
{
    [KernelTheory(Tools = Oracle.Bpftool)]
    [InlineData("core_read", "tp_btf/sched_process_exec")]
    [InlineData("core_reads", "tp_btf/sys_enter")]
    public void Nectar_patches_every_instruction_as_libbpf_does(string objectName, string section)
    {
        var obj = BpfObjectFile.Open(objectName);
        byte[] original = obj.Instructions(section);
        byte[] code = obj.Instructions(section);
        var report = CoreRelocator.Apply(code, 0, obj.CoreRelocations(section), obj.Btf, [VmlinuxBtf.Instance]);
        var ours = new List<string>();
        foreach (var r in report.Results)
        {
            ours.Add(r.Outcome == CoreRelocationOutcome.Poisoned ? $"#{r.InstructionIndex} poisoned" : $"#{r.InstructionIndex} {r.OriginalValue} -> {r.NewValue}");
            if (r.Outcome == CoreRelocationOutcome.Patched && (code[r.InstructionIndex * 8] & 0x07) is 0x01 or 0x02 or 0x03 &&
                AccessSize(code[r.InstructionIndex * 8]) != AccessSize(original[r.InstructionIndex * 8]))
                ours.Add($"#{r.InstructionIndex} size {AccessSize(original[r.InstructionIndex * 8])} -> {AccessSize(code[r.InstructionIndex * 8])}");
        }

        var libbpf = LibbpfDecisions(obj.Path);

        if (objectName == "core_read")
            Assert.Contains(libbpf, d => d.Contains("size 8 -> 4"));
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
                decisions.Add(match.Groups["poison"].Success ? $"#{match.Groups["poison"].Value} poisoned"
                    : match.Groups["size"].Success ? $"#{match.Groups["insn"].Value} size {match.Groups["from"].Value} -> {match.Groups["to"].Value}"
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

    private static int AccessSize(byte opcode) => (opcode & 0x18) switch { 0x18 => 8, 0x00 => 4, 0x08 => 2, _ => 1 };

    // A line per patched value or poisoned instruction, and one more where a load or store was resized (mem_sz).
    [GeneratedRegex(@"relo #\d+: (?:patched insn #(?<insn>\d+) \([^)]*\) (?:imm|off|imm64|(?<size>mem_sz)) (?<from>\d+) -> (?<to>\d+)|substituting insn #(?<poison>\d+) w/ invalid insn)")]
    private static partial Regex Decision();
}
