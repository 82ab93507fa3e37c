using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// Points a linked program's references to externs at what the loader resolved, as libbpf does:
/// <list type="bullet">
/// <item>ld_imm64 of a __kconfig value: the address of its bytes in the .kconfig map (map value + offset);</item>
/// <item>ld_imm64 of a __ksym variable or function: BPF_PSEUDO_BTF_ID with its vmlinux BTF id (0 when weak and absent);</item>
/// <item>ld_imm64 of a typeless (void) __ksym: its address from /proc/kallsyms as a constant;</item>
/// <item>call of a kfunc: BPF_PSEUDO_KFUNC_CALL with its vmlinux BTF id; a weak kfunc the kernel lacks
/// becomes a call to a helper that does not exist, which the verifier accepts only where
/// bpf_ksym_exists() made it dead code.</item>
/// </list>
/// </summary>
internal sealed class ExternPatcher
{
    internal const byte PseudoBtfId = 3;         // ld_imm64 src: imm is a kernel BTF id (a variable's or function's address)
    internal const byte PseudoKfuncCall = 2;     // call src: imm is the BTF id of a kfunc
    internal const int PoisonedKfuncCall = 2002000000; // + the extern's index: "invalid func unknown#2002000001"

    private readonly ElfFile _elf;
    private readonly string _objectName;
    private readonly List<BpfExtern> _externs;
    private readonly IReadOnlyDictionary<string, uint> _kernelIds;
    private readonly IReadOnlyDictionary<string, ulong> _addresses;

    internal ExternPatcher(ElfFile elf, string objectName, IReadOnlyList<BpfExtern> externs, IReadOnlyDictionary<string, uint> kernelIds,
        IReadOnlyDictionary<string, ulong>? addresses = null)
    {
        _addresses = addresses ?? new Dictionary<string, ulong>();
        _elf = elf;
        _objectName = objectName;
        _externs = [.. externs];
        _kernelIds = kernelIds;
    }

    /// <summary>Every instruction of the linked program whose relocation names an extern symbol, with that name.</summary>
    internal IEnumerable<(int Instruction, string Name)> ReferencesOf(ProgramSpec program)
    {
        foreach (var (function, start) in program.Layout)
        {
            ulong first = (ulong)function.Start * 8, end = (ulong)(function.Start + function.Count) * 8;
            foreach (var relocation in _elf.RelocationsFor(function.Section))
            {
                if (ExternReader.IsExtern(relocation.Symbol) && relocation.Offset >= first && relocation.Offset < end)
                    yield return (start + (int)((relocation.Offset - first) / 8), relocation.Symbol.Name);
            }
        }
    }

    /// <summary>Patches the program's extern references in place; returns the instructions poisoned (weak kfuncs this kernel lacks), with why.</summary>
    internal Dictionary<int, string> Patch(ProgramSpec program, BpfInstruction[] instructions, int kconfigMapFd)
    {
        var poisoned = new Dictionary<int, string>();
        foreach (var (index, name) in ReferencesOf(program))
        {
            int externIndex = _externs.FindIndex(e => e.Name == name);
            if (externIndex < 0)
                throw new BpfExternException(name, $"{_objectName}: program '{program.Name}' refers to extern '{name}' at instruction {index}, which no .kconfig or .ksyms declaration describes.");
            var e = _externs[externIndex];
            ref var instruction = ref instructions[index];
            if (instruction.Opcode == BpfInstruction.Call)
            {
                if (e.Kind != ExternKind.KernelFunction)
                    throw new BpfExternException(name, $"{_objectName}: program '{program.Name}' calls '{name}' at instruction {index}, but '{name}' is a {e.Kind}, not a kfunc.");
                instruction.Offset = 0; // the vmlinux BTF; module kfuncs would index fd_array here
                if (_kernelIds.TryGetValue(name, out uint id))
                {
                    instruction.SourceRegister = PseudoKfuncCall;
                    instruction.Immediate = (int)id;
                }
                else
                {
                    instruction.SourceRegister = 0;
                    instruction.Immediate = PoisonedKfuncCall + externIndex;
                    poisoned[index] = $"weak kfunc '{name}' is not in this kernel's BTF; guard its call with bpf_ksym_exists({name})";
                }
                continue;
            }
            if (!instruction.IsLoadImm64 || index + 1 >= instructions.Length)
                throw new BpfExternException(name, $"{_objectName}: program '{program.Name}' refers to extern '{name}' at instruction {index}, which is neither an ld_imm64 nor a call (opcode 0x{instruction.Opcode:x2}).");
            ref var second = ref instructions[index + 1];
            if (e.Kind == ExternKind.Kconfig)
            {
                second.Immediate = e.Offset + instruction.Immediate;
                instruction.SourceRegister = BpfInstruction.PseudoMapValue;
                instruction.Immediate = kconfigMapFd;
            }
            else if (_addresses.TryGetValue(name, out ulong address))
            {
                // A typeless ksym: a plain 64-bit constant, its kallsyms address (libbpf does the same).
                instruction.SourceRegister = 0;
                instruction.Immediate = (int)(uint)address;
                second.Immediate = (int)(uint)(address >> 32);
            }
            else if (_kernelIds.TryGetValue(name, out uint id))
            {
                instruction.SourceRegister = PseudoBtfId;
                instruction.Immediate = (int)id;
                second.Immediate = 0; // the BTF object fd: 0 is vmlinux
            }
            else
            {
                // A weak ksym the kernel lacks: its address is 0, which is what bpf_ksym_exists() tests.
                instruction.SourceRegister = 0;
                instruction.Immediate = 0;
                second.Immediate = 0;
            }
        }
        return poisoned;
    }
}
