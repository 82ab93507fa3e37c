using Nectar.Btf;
using Nectar.Elf;
using Nectar.Programs;

namespace Nectar.Relocation;

/// <summary>
/// Applies an object's CO-RE relocations to a linked program against the running kernel's BTF:
/// each relocated instruction gets the offset, size, shift, existence, type id or enum value that
/// holds in this kernel. A relocation nothing satisfies poisons its instruction (a call to the
/// non-existent helper 0xbad2310, as libbpf does): guarded dead code still verifies, and if the
/// verifier reaches it, <see cref="Poisoned"/> says which relocation failed, in words.
/// </summary>
internal sealed class CoreRelocator
{
    /// <summary>The immediate of a poisoned call; the verifier reports it as "unknown#195896080".</summary>
    internal const int PoisonImmediate = 0xbad2310;

    private readonly Btf.Btf _local;
    private readonly Func<IEnumerable<Btf.Btf>> _targets;

    internal CoreRelocator(Btf.Btf local, Func<IEnumerable<Btf.Btf>> targets)
    {
        _local = local;
        _targets = targets;
    }

    /// <summary>Instruction index → what the relocation there could not find ("task_struct.foo: no such field in this kernel").</summary>
    internal Dictionary<int, string> Poisoned { get; } = [];

    /// <summary>Relocates <paramref name="instructions"/> (a linked program laid out as <paramref name="program"/> says) in place.</summary>
    internal void Apply(ProgramSpec program, BpfInstruction[] instructions, BtfExtSection ext)
    {
        foreach (var (function, start) in program.Layout)
        {
            if (!ext.CoreRelocations.TryGetValue(function.Section.Name, out var records))
                continue;
            foreach (var record in records)
            {
                int sectionIndex = (int)(record.InstructionOffset / 8);
                if (sectionIndex < function.Start || sectionIndex >= function.Start + function.Count)
                    continue;
                int index = start + sectionIndex - function.Start;
                Apply(program.Name, instructions, index, record);
            }
        }
    }

    /// <summary>Applies one relocation record to the instruction at <paramref name="index"/> of a linked program.</summary>
    internal void Apply(string program, BpfInstruction[] instructions, int index, CoreRelocationRecord record)
    {
        var kind = (CoreRelocationKind)record.Kind;
        if (kind > CoreRelocationKind.TypeMatches)
            throw new BtfException($"{program}: CO-RE relocation kind {record.Kind} at instruction {index} is unknown to Nectar.");
        var spec = CoreAccessSpec.Parse(_local, record.TypeId, _local.GetString(record.AccessStringOffset), kind);
        ulong? value = Resolve(kind, record.TypeId, spec, out string? failure, out uint targetFieldSize);
        if (value is { } resolved)
        {
            Patch(program, instructions, index, resolved, spec);
            if (kind == CoreRelocationKind.FieldByteOffset)
                ResizeMemoryAccess(program, ref instructions[index], LocalFieldSize(record.TypeId, spec), targetFieldSize, spec);
        }
        else if (kind.IsExistence())
            Patch(program, instructions, index, 0, spec);
        else
            Poison(instructions, index, $"{spec.Description}: {failure}");
    }

    /// <summary>The relocated value, or null with the reason when this kernel has nothing that matches.</summary>
    private ulong? Resolve(CoreRelocationKind kind, uint localTypeId, CoreAccessSpec spec, out string? failure, out uint targetFieldSize)
    {
        failure = null;
        targetFieldSize = 0;
        if (kind == CoreRelocationKind.TypeIdLocal)
            return localTypeId;
        var candidates = CoreCandidates.Find(_local, localTypeId, _targets());
        if (candidates.Count == 0)
        {
            failure = $"no type named '{CoreCandidates.EssentialName(_local.GetType(localTypeId).Name)}' in this kernel";
            return null;
        }
        var values = new HashSet<ulong>();
        foreach (var candidate in candidates)
        {
            if (ValueFor(kind, localTypeId, spec, candidate) is { } value)
            {
                values.Add(value);
                if (kind.IsField())
                    targetFieldSize = (uint)CoreField.Walk(candidate.Owner, candidate.Id, spec)!.Value.Value(CoreRelocationKind.FieldByteSize);
            }
        }
        if (values.Count > 1)
            throw new BtfException($"CO-RE relocation of {spec.Description} is ambiguous: the kernel's {candidates.Count} candidate types give different values ({string.Join(", ", values)}).");
        if (values.Count == 0)
        {
            failure = kind.IsField() ? "no such field in this kernel" : kind.IsEnumValue() ? "no such enumerator in this kernel" : "no matching type in this kernel";
            return null;
        }
        return values.Single();
    }

    private ulong? ValueFor(CoreRelocationKind kind, uint localTypeId, CoreAccessSpec spec, BtfType candidate)
    {
        var target = candidate.Owner;
        if (kind.IsField())
        {
            var local = CoreField.Walk(_local, localTypeId, spec);
            var found = CoreField.Walk(target, candidate.Id, spec);
            if (local is not { } l || found is not { } f || !CoreCandidates.FieldsCompatible(_local, l.TypeId, target, f.TypeId))
                return null;
            return f.Value(kind);
        }
        if (kind.IsEnumValue())
        {
            var enumType = target.SkipModifiersAndTypedefs(candidate.Id);
            string wanted = CoreCandidates.EssentialName(spec.Steps[0].MemberName!);
            foreach (var enumerator in enumType.EnumValues)
            {
                if (CoreCandidates.EssentialName(enumerator.Name) == wanted)
                    return kind == CoreRelocationKind.EnumValue ? unchecked((ulong)enumerator.Value) : 1;
            }
            return null;
        }
        return kind switch
        {
            CoreRelocationKind.TypeIdTarget => candidate.Id,
            CoreRelocationKind.TypeExists => 1,
            CoreRelocationKind.TypeSize => target.SizeOf(candidate.Id),
            CoreRelocationKind.TypeMatches => CoreTypeMatch.Matches(_local, localTypeId, target, candidate.Id) ? 1UL : null,
            _ => null,
        };
    }

    /// <summary>Writes the value where the instruction keeps it: ALU immediate, memory offset, or ld_imm64's 64 bits.</summary>
    private static void Patch(string program, BpfInstruction[] instructions, int index, ulong value, CoreAccessSpec spec)
    {
        ref var instruction = ref instructions[index];
        int @class = instruction.Opcode & 0x07;
        string where = $"{program}: the CO-RE relocation of {spec.Description} at instruction {index}";
        if (instruction.IsLoadImm64)
        {
            if (index + 1 >= instructions.Length)
                throw new BtfException($"{where} is an ld_imm64 cut off by the end of the program.");
            instruction.Immediate = unchecked((int)value);
            instructions[index + 1].Immediate = unchecked((int)(value >> 32));
        }
        else if (@class is 0x04 or 0x07 && (instruction.Opcode & 0x08) == 0)
        {
            instruction.Immediate = value <= int.MaxValue ? (int)value
                : throw new BtfException($"{where}: the value {value} does not fit the instruction's 32-bit immediate.");
        }
        else if (@class is 0x01 or 0x02 or 0x03)
        {
            instruction.Offset = value <= (ulong)short.MaxValue ? (short)value
                : throw new BtfException($"{where}: the offset {value} does not fit the instruction's 16-bit offset.");
        }
        else
        {
            throw new BtfException($"{where} is on opcode 0x{instruction.Opcode:x2}, which holds no value a relocation can set.");
        }
    }

    private uint LocalFieldSize(uint localTypeId, CoreAccessSpec spec) =>
        CoreField.Walk(_local, localTypeId, spec) is { } field ? (uint)field.Value(CoreRelocationKind.FieldByteSize) : 0;

    /// <summary>
    /// A direct load or store of a field whose size differs in this kernel (an int that became a
    /// long) must access the kernel's size, or it reads half a field: as libbpf, rewrite its size
    /// when it accessed the whole local field, and refuse when it did not.
    /// </summary>
    private static void ResizeMemoryAccess(string program, ref BpfInstruction instruction, uint localSize, uint targetSize, CoreAccessSpec spec)
    {
        int @class = instruction.Opcode & 0x07;
        if (@class is not (0x01 or 0x02 or 0x03) || localSize == targetSize || localSize == 0)
            return;
        int[] sizes = [4, 2, 1, 8]; // BPF_W, BPF_H, BPF_B, BPF_DW in bits 3-4 of the opcode
        int accessed = sizes[(instruction.Opcode >> 3) & 0x3];
        int code = System.Array.IndexOf(sizes, (int)targetSize);
        if (accessed != localSize || code < 0)
            throw new BtfException($"{program}: {spec.Description} is {localSize} bytes in the object but {targetSize} in this kernel, and the {accessed}-byte access to it cannot be resized to match.");
        instruction.Opcode = (byte)((instruction.Opcode & ~0x18) | (code << 3));
    }

    private void Poison(BpfInstruction[] instructions, int index, string reason)
    {
        bool wide = instructions[index].IsLoadImm64 && index + 1 < instructions.Length;
        instructions[index] = new BpfInstruction { Opcode = BpfInstruction.Call, Immediate = PoisonImmediate };
        // ld_imm64 takes two slots: poison both, or the verifier complains about a bare second half.
        if (wide)
            instructions[index + 1] = new BpfInstruction { Opcode = BpfInstruction.Call, Immediate = PoisonImmediate };
        Poisoned[index] = reason;
    }
}
