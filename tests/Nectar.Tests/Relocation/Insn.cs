using System.Buffers.Binary;

namespace Nectar.Tests.Relocation;

/// <summary>Hand-assembled BPF instructions for relocation tests (8 bytes each, little-endian).</summary>
internal static class Insn
{
    public static byte[] Make(byte opcode, byte registers, short offset, int immediate)
    {
        var bytes = new byte[8];
        bytes[0] = opcode;
        bytes[1] = registers;
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2), offset);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), immediate);
        return bytes;
    }

    /// <summary>r1 = *(u32 *)(r2 + offset)</summary>
    public static byte[] LoadWord(short offset) => Make(0x61, 0x21, offset, 0);

    /// <summary>r1 = immediate (64-bit move)</summary>
    public static byte[] MoveImmediate(int immediate) => Make(0xb7, 0x01, 0, immediate);

    /// <summary>r1 = immediate64 (two slots)</summary>
    public static byte[] LoadImm64(long value) =>
        [.. Make(0x18, 0x01, 0, unchecked((int)value)), .. Make(0, 0, 0, (int)(value >> 32))];

    public static byte Opcode(byte[] code, int index) => code[index * 8];

    public static short Offset(byte[] code, int index) => BinaryPrimitives.ReadInt16LittleEndian(code.AsSpan(index * 8 + 2));

    public static int Immediate(byte[] code, int index) => BinaryPrimitives.ReadInt32LittleEndian(code.AsSpan(index * 8 + 4));

    public static long Imm64(byte[] code, int index) => (uint)Immediate(code, index) | ((long)Immediate(code, index + 1) << 32);
}
