using System.Buffers.Binary;

namespace Nectar.Relocation;

/// <summary>
/// Writes a relocation's value into its instruction: the immediate of an ALU instruction, the
/// offset of a load or store (resizing the access when the field changed size and that is safe),
/// or both halves of a 64-bit immediate load. An instruction that must not run is replaced by a
/// call to helper 0xbad2310, which no kernel has: the verifier ignores it in dead code and
/// rejects it, by instruction number, when it is reachable.
/// </summary>
internal static class CoreInstructionPatcher
{
    /// <summary>The helper id of a poisoned instruction (libbpf's "bad relo" marker, so tools recognise it).</summary>
    public const int PoisonHelperId = 0xbad2310;

    internal const int InstructionSize = 8;

    private const byte ClassMask = 0x07;
    private const byte ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03, ClassAlu = 0x04, ClassJmp = 0x05, ClassAlu64 = 0x07;
    private const byte SourceRegister = 0x08;
    private const byte SizeMask = 0x18;
    private const byte LoadImm64 = 0x18; // BPF_LD | BPF_IMM | BPF_DW
    private const byte Call = ClassJmp | 0x80;

    /// <summary>
    /// Patches instruction <paramref name="index"/>; returns false when it was poisoned instead.
    /// <paramref name="previous"/> is the value the instruction held (which, where the compiler's
    /// value is not checked, such as bitfields, may differ from the value computed from the object's BTF).
    /// </summary>
    public static bool Patch(Span<byte> instructions, int index, in CoreRelocationValue value, Func<string> describe, out ulong previous)
    {
        var insn = instructions.Slice(index * InstructionSize, InstructionSize);
        byte opcode = insn[0];
        previous = value.Original;
        if (value.Poison)
        {
            Poison(instructions, index);
            return false;
        }
        switch (opcode & ClassMask)
        {
            case ClassAlu or ClassAlu64:
                if ((opcode & SourceRegister) != 0)
                    throw Unexpected(describe, index, "an ALU instruction with a register operand has no immediate to relocate");
                int imm = BinaryPrimitives.ReadInt32LittleEndian(insn.Slice(4));
                previous = unchecked((ulong)(long)imm);
                if (value.Validate && previous != value.Original)
                    throw Unexpected(describe, index, $"its immediate is {imm}, but the compiler recorded {value.Original}");
                BinaryPrimitives.WriteInt32LittleEndian(insn.Slice(4), unchecked((int)value.New));
                return true;

            case ClassLdx or ClassSt or ClassStx:
                short offset = BinaryPrimitives.ReadInt16LittleEndian(insn.Slice(2));
                previous = unchecked((ulong)(long)offset);
                if (value.Validate && previous != value.Original)
                    throw Unexpected(describe, index, $"its offset is {offset}, but the compiler recorded {value.Original}");
                if (value.New > (ulong)short.MaxValue)
                    throw new CoreRelocationException($"CO-RE: {describe()} is at byte {value.New} in this kernel, beyond the {short.MaxValue} " +
                        $"a load or store instruction can reach (instruction {index}).");
                if (value.ResizeUnsafe)
                {
                    Poison(instructions, index);
                    return false;
                }
                BinaryPrimitives.WriteInt16LittleEndian(insn.Slice(2), (short)value.New);
                if (value.NewSize != value.OriginalSize)
                {
                    int accessSize = (opcode & SizeMask) switch { 0x18 => 8, 0x00 => 4, 0x08 => 2, _ => 1 };
                    if (accessSize != value.OriginalSize)
                        throw Unexpected(describe, index, $"it accesses {accessSize} bytes, but the field is {value.OriginalSize}");
                    byte sizeBits = value.NewSize switch
                    {
                        8 => 0x18,
                        4 => 0x00,
                        2 => 0x08,
                        1 => 0x10,
                        _ => throw new CoreRelocationException($"CO-RE: {describe()} is {value.NewSize} bytes in this kernel; " +
                            $"no single load or store has that size (instruction {index})."),
                    };
                    insn[0] = (byte)((opcode & ~SizeMask) | sizeBits);
                }
                return true;

            case ClassLd:
                if (opcode != LoadImm64 || (insn[1] & 0xF0) != 0 || BinaryPrimitives.ReadInt16LittleEndian(insn.Slice(2)) != 0 ||
                    instructions.Length < (index + 2) * InstructionSize)
                    throw Unexpected(describe, index, "it is not a plain 64-bit immediate load");
                var next = instructions.Slice((index + 1) * InstructionSize, InstructionSize);
                if (next[0] != 0 || next[1] != 0 || next[2] != 0 || next[3] != 0)
                    throw Unexpected(describe, index, "its second half is not a plain continuation");
                ulong current = BinaryPrimitives.ReadUInt32LittleEndian(insn.Slice(4)) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(next.Slice(4)) << 32);
                previous = current;
                if (value.Validate && current != value.Original)
                    throw Unexpected(describe, index, $"it loads {current}, but the compiler recorded {value.Original}");
                BinaryPrimitives.WriteUInt32LittleEndian(insn.Slice(4), unchecked((uint)value.New));
                BinaryPrimitives.WriteUInt32LittleEndian(next.Slice(4), (uint)(value.New >> 32));
                return true;

            default:
                throw Unexpected(describe, index, $"opcode 0x{opcode:x2} is not an instruction CO-RE can relocate");
        }
    }

    /// <summary>Replaces the instruction (both halves of a 64-bit load) with the poison call.</summary>
    public static void Poison(Span<byte> instructions, int index)
    {
        if (instructions[index * InstructionSize] == LoadImm64 && instructions.Length >= (index + 2) * InstructionSize)
            WritePoison(instructions.Slice((index + 1) * InstructionSize, InstructionSize));
        WritePoison(instructions.Slice(index * InstructionSize, InstructionSize));
    }

    public static bool IsPoison(ReadOnlySpan<byte> instruction) =>
        instruction[0] == Call && instruction[1] == 0 && BinaryPrimitives.ReadInt32LittleEndian(instruction.Slice(4)) == PoisonHelperId;

    private static void WritePoison(Span<byte> insn)
    {
        insn[0] = Call;
        insn[1] = 0;
        BinaryPrimitives.WriteInt16LittleEndian(insn.Slice(2), 0);
        BinaryPrimitives.WriteInt32LittleEndian(insn.Slice(4), PoisonHelperId);
    }

    private static CoreRelocationException Unexpected(Func<string> describe, int index, string what) =>
        new($"CO-RE: instruction {index} ({describe()}) cannot be relocated: {what}. " +
            "The object's instructions and its .BTF.ext disagree; recompile it, and relocate each instruction only once.");
}
