using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// Turns one entry function into a loadable instruction stream: appends every subprogram it
/// reaches through bpf-to-bpf calls (each once), rewrites the calls' relative offsets for the new
/// layout, and records which ld_imm64 instructions name maps or global data.
/// </summary>
internal sealed partial class ProgramLinker
{
    private readonly ElfFile _elf;
    private readonly IReadOnlyList<BpfFunction> _functions;
    private readonly Func<ElfSymbol, ElfSection, int, MapReference?> _resolveData;
    private readonly Dictionary<int, Dictionary<ulong, ElfRelocation>> _relocations = [];

    // resolveData: given a relocation's symbol, its section and the instruction's index in the linked
    // program, returns the map reference, or null when the symbol is not a map or global variable.
    internal ProgramLinker(ElfFile elf, IReadOnlyList<BpfFunction> functions, Func<ElfSymbol, ElfSection, int, MapReference?> resolveData)
    {
        _elf = elf;
        _functions = functions;
        _resolveData = resolveData;
    }

    internal ProgramSpec Link(BpfFunction entry, ProgramSection section, string license)
    {
        var instructions = new List<BpfInstruction>();
        var layout = new List<(BpfFunction Function, int Start)>();
        var references = new List<MapReference>();
        int Place(BpfFunction function)
        {
            foreach (var (placed, start) in layout)
            {
                if (placed == function)
                    return start;
            }
            int at = instructions.Count;
            layout.Add((function, at));
            instructions.AddRange(InstructionsOf(function));
            return at;
        }

        Place(entry);
        for (int p = 0; p < layout.Count; p++)
        {
            var (function, start) = layout[p];
            var relocations = RelocationsOf(function.Section);
            for (int k = 0; k < function.Count; k++)
            {
                int index = start + k;
                var instruction = instructions[index];
                int sectionIndex = function.Start + k;
                relocations.TryGetValue((ulong)sectionIndex * 8, out var relocation);
                if (relocation is not null && ExternReader.IsExtern(relocation.Symbol))
                    continue; // an extern (__kconfig, __ksym): the loader resolves it against the running kernel (ExternPatcher)

                if (instruction.IsBpfToBpfCall)
                {
                    var (targetSection, targetIndex) = relocation is null
                        ? (function.Section, sectionIndex + instruction.Immediate + 1)
                        : (SectionOf(relocation.Symbol, function), (int)(relocation.Symbol.Value / 8) + instruction.Immediate + 1);
                    var target = _functions.FirstOrDefault(f => f.Contains(targetSection, targetIndex))
                        ?? throw new ElfException($"{entry.Name}: the call at instruction {sectionIndex} of section '{function.Section.Name}' targets instruction {targetIndex} of '{targetSection.Name}', which is in no function.");
                    int targetStart = Place(target);
                    instruction.Immediate = targetStart + (targetIndex - target.Start) - (index + 1);
                    instructions[index] = instruction;
                }
                else if (relocation is not null && TakesFunctionAddress(instruction, relocation))
                {
                    LinkCallback(entry, function, sectionIndex, index, relocation, instructions, Place);
                }
                else if (relocation is not null)
                {
                    if (instruction.IsLoadImm64 && k + 1 >= function.Count)
                        throw new ElfException($"{entry.Name}: the ld_imm64 at instruction {sectionIndex} of section '{function.Section.Name}' is cut off by the end of function '{function.Name}'.");
                    references.Add(ResolveLoad(entry, function, sectionIndex, index, instruction, relocation));
                }
            }
        }
        return new ProgramSpec(entry.Name, section, license, [.. instructions], references, layout);
    }

    private MapReference ResolveLoad(BpfFunction entry, BpfFunction function, int sectionIndex, int index, BpfInstruction instruction, ElfRelocation relocation)
    {
        string where = $"{entry.Name}: instruction {sectionIndex} of section '{function.Section.Name}'";
        var symbol = relocation.Symbol;
        if (!instruction.IsLoadImm64)
            throw new ElfException($"{where} has a relocation against '{symbol.Name}' but is not an ld_imm64 or call (opcode 0x{instruction.Opcode:x2}).");
        var section = SectionOf(symbol, function); // not executable: function addresses are callbacks (LinkCallback)
        return _resolveData(symbol, section, index)
            ?? throw new ElfException($"{where} refers to '{symbol.Name}' in section '{section.Name}', which holds no map or global variable.");
    }

    private ElfSection SectionOf(ElfSymbol symbol, BpfFunction user) =>
        symbol.SectionIndex < _elf.Sections.Count
            ? _elf.Sections[symbol.SectionIndex]
            : throw new ElfException($"{user.Name}: symbol '{symbol.Name}' is in section {symbol.SectionIndex}, which does not exist.");

    private BpfInstruction[] InstructionsOf(BpfFunction function) =>
        MemoryMarshal.Cast<byte, BpfInstruction>(_elf.Contents(function.Section).Slice(function.Start * 8, function.Count * 8)).ToArray();

    private Dictionary<ulong, ElfRelocation> RelocationsOf(ElfSection section)
    {
        if (!_relocations.TryGetValue(section.Index, out var byOffset))
        {
            byOffset = [];
            foreach (var relocation in _elf.RelocationsFor(section))
                byOffset[relocation.Offset] = relocation;
            _relocations[section.Index] = byOffset;
        }
        return byOffset;
    }
}
