using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// Callbacks: an ld_imm64 whose relocation names code takes a function's address (for bpf_loop,
/// bpf_for_each_map_elem, bpf_timer_set_callback, ...). The function is placed in the program like
/// a bpf-to-bpf call target (once, however often it is named), so its func_info, line_info and
/// CO-RE relocations follow it, and the ld_imm64 becomes a BPF_PSEUDO_FUNC load of its position.
/// </summary>
internal sealed partial class ProgramLinker
{
    /// <summary>Whether an ld_imm64's relocation symbol lies in an executable section (so it names a function, not data).</summary>
    private bool TakesFunctionAddress(BpfInstruction instruction, ElfRelocation relocation) =>
        instruction.IsLoadImm64
        && relocation.Symbol.SectionIndex != 0
        && relocation.Symbol.SectionIndex < _elf.Sections.Count
        && _elf.Sections[relocation.Symbol.SectionIndex].IsExecutable;

    /// <summary>
    /// Places the function an ld_imm64 at <paramref name="index"/> (instruction
    /// <paramref name="sectionIndex"/> of <paramref name="function"/>'s section) takes the address
    /// of, and rewrites the ld_imm64 to load it.
    /// </summary>
    private void LinkCallback(BpfFunction entry, BpfFunction function, int sectionIndex, int index, ElfRelocation relocation,
        List<BpfInstruction> instructions, Func<BpfFunction, int> place)
    {
        string where = $"{entry.Name}: the ld_imm64 at instruction {sectionIndex} of section '{function.Section.Name}'";
        if (index + 1 >= instructions.Count || sectionIndex + 1 >= function.Start + function.Count)
            throw new ElfException($"{where} is cut off by the end of function '{function.Name}'.");
        var symbol = relocation.Symbol;
        var section = _elf.Sections[symbol.SectionIndex];
        var load = instructions[index];
        string via = symbol.Type == ElfSymbolType.Section ? "" : $" (through symbol '{symbol.Name}')";

        // clang writes a global function's address as its symbol (whose value is its byte offset)
        // with imm 0, and a static function's as the section symbol with the byte offset in imm.
        // Unlike a call's, this offset is not relative to the next instruction.
        // BigInteger: netstandard2.0 (the generator) has no Int128, and the sum must not overflow.
        BigInteger byteOffset = (BigInteger)symbol.Value + load.Immediate;
        if (byteOffset < 0 || byteOffset % 8 != 0)
            throw new ElfException($"{where} takes the address of byte {byteOffset} of section '{section.Name}'{via}, which is not the start of an instruction.");
        BigInteger targetIndex = byteOffset / 8;
        var target = (targetIndex <= int.MaxValue ? _functions.FirstOrDefault(f => f.Contains(section, (int)targetIndex)) : null)
            ?? throw new ElfException($"{where} takes the address of instruction {targetIndex} of section '{section.Name}'{via}, which is in no function.");

        int targetStart = place(target) + ((int)targetIndex - target.Start);
        // The verifier reads a BPF_PSEUDO_FUNC load as "the subprogram at insn_idx + imm + 1", as for calls.
        load.SourceRegister = BpfInstruction.PseudoFunc;
        load.Immediate = targetStart - (index + 1);
        instructions[index] = load;
        var high = instructions[index + 1];
        high.Immediate = 0;
        instructions[index + 1] = high;
    }
}
