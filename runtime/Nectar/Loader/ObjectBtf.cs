using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Relocation;

namespace Nectar.Programs;

/// <summary>
/// An object's BTF as the kernel wants it, and the per-program func_info and line_info taken from
/// .BTF.ext. clang leaves DATASEC sizes (and, in older versions, variable offsets) zero for the
/// linker to fill in; the kernel rejects that, so the copy it gets has them from the ELF sections
/// and symbols, as libbpf does.
/// </summary>
internal sealed class ObjectBtf
{
    private readonly BpfObjectSpec _spec;
    private readonly Btf.Btf _btf;
    private readonly BtfExt? _ext;

    internal ObjectBtf(BpfObjectSpec spec, Btf.Btf btf)
    {
        _spec = spec;
        _btf = btf;
        _ext = spec.Elf.FindSection(".BTF.ext") is { } ext ? BtfExt.Parse(spec.Elf.Contents(ext).ToArray(), btf) : null;
    }

    /// <summary>The CO-RE relocations .BTF.ext lists for a code section (empty without .BTF.ext).</summary>
    internal IReadOnlyList<CoreRelocation> CoreRelocationsOf(string section) =>
        _ext is null ? [] : CoreRelocation.From(section, _ext.CoreRelocationsOf(section), _btf);

    internal bool HasCoreRelocations => _ext is not null && _ext.CoreRelocations.Count > 0;

    /// <summary>The DATASEC describing a global data section (the BTF value type of its map), or 0.</summary>
    internal uint DataSectionTypeId(string section) => _btf.FindByName(section, BtfKind.Datasec)?.Id ?? 0;

    /// <summary>A copy of the raw BTF with every DATASEC's size and variable offsets taken from the ELF file, and hidden global subprograms made static.</summary>
    internal byte[] KernelBytes()
    {
        byte[] bytes = _btf.RawBytes.ToArray();
        for (uint id = _btf.FirstTypeId; id <= _btf.LastTypeId; id++)
        {
            var type = _btf.GetType(id);
            if (type.Kind != BtfKind.Datasec || _spec.Elf.FindSection(type.Name) is not { } section)
                continue;
            int record = _btf.RecordOffset(id);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + 8), (uint)section.Size);
            var variables = type.DatasecVars;
            for (int i = 0; i < variables.Count; i++)
            {
                string name = _btf.GetType(variables[i].TypeId).Name;
                var symbol = _spec.Elf.Symbols.FirstOrDefault(s => s.SectionIndex == section.Index && s.Name == name);
                if (symbol is not null)
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + Btf.Btf.TypeRecordLength + 12 * i + 4), (uint)symbol.Value);
            }
        }
        HiddenFunctions.MakeStatic(_btf, bytes, _spec.Elf);
        return bytes;
    }

    /// <summary>
    /// func_info and line_info for a linked program: each placed function's records, moved to where
    /// the function now starts and converted from byte offsets to instruction indices. Null when the
    /// object has no .BTF.ext or lacks a record for some placed function (the kernel wants all or none).
    /// </summary>
    internal ProgramDebugInfo? For(ProgramSpec program)
    {
        if (_ext is null)
            return null;
        var functions = new List<BtfFuncInfo>();
        var lines = new List<BtfLineInfo>();
        foreach (var (function, start) in program.Layout)
        {
            uint first = (uint)function.Start * 8, end = (uint)(function.Start + function.Count) * 8;
            if (_ext.FuncInfoOf(function.Section.Name).FirstOrDefault(f => f.InstructionOffset == first) is not { TypeId: not 0 } info)
                return null;
            functions.Add(info with { InstructionOffset = (uint)start });
            foreach (var line in _ext.LineInfoOf(function.Section.Name).Where(l => l.InstructionOffset >= first && l.InstructionOffset < end))
                lines.Add(line with { InstructionOffset = (uint)start + (line.InstructionOffset - first) / 8 });
        }
        return new ProgramDebugInfo(functions, lines, _btf);
    }
}

/// <summary>One program's func_info and line_info, with instruction offsets in the linked program.</summary>
internal sealed class ProgramDebugInfo(List<BtfFuncInfo> functions, List<BtfLineInfo> lines, Btf.Btf btf)
{
    internal byte[] FuncInfoBytes => MemoryMarshal.AsBytes(functions.ToArray().AsSpan()).ToArray();
    internal int FuncInfoCount => functions.Count;
    internal byte[] LineInfoBytes => MemoryMarshal.AsBytes(lines.ToArray().AsSpan()).ToArray();
    internal int LineInfoCount => lines.Count;

    /// <summary>"file.bpf.c:12: the source text" for the line an instruction comes from.</summary>
    internal string? SourceLineOf(int instruction)
    {
        BtfLineInfo? best = null;
        foreach (var line in lines)
        {
            if (line.InstructionOffset <= instruction && (best is null || line.InstructionOffset >= best.Value.InstructionOffset))
                best = line;
        }
        if (best is not { } found)
            return null;
        // clang records the path as compiled; with -fdebug-compilation-dir=. that starts with "./".
        string file = btf.GetString(found.FileNameOffset);
        if (file.StartsWith("./", StringComparison.Ordinal))
            file = file[2..];
        return $"{file}:{found.Line}: {btf.GetString(found.LineOffset).Trim()}";
    }
}
