using System.Runtime.InteropServices;

namespace Nectar.Programs;

/// <summary>One eBPF instruction (struct bpf_insn): 8 bytes, little-endian.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct BpfInstruction
{
    public const byte LoadImm64 = 0x18;       // BPF_LD | BPF_IMM | BPF_DW: two slots
    public const byte Call = 0x85;            // BPF_JMP | BPF_CALL
    public const byte PseudoMapFd = 1;        // ld_imm64 src: imm is a map fd
    public const byte PseudoMapValue = 2;     // ld_imm64 src: imm is a map fd, next imm an offset into its value
    public const byte PseudoCall = 1;         // call src: imm is a relative instruction offset
    public const byte PseudoFunc = 4;         // ld_imm64 src: imm is a relative instruction offset (a callback)

    public byte Opcode;
    public byte Registers;
    public short Offset;
    public int Immediate;

    public byte DestinationRegister => (byte)(Registers & 0xF);
    public byte SourceRegister
    {
        readonly get => (byte)(Registers >> 4);
        set => Registers = (byte)((Registers & 0xF) | (value << 4));
    }

    public readonly bool IsLoadImm64 => Opcode == LoadImm64;
    public readonly bool IsBpfToBpfCall => Opcode == Call && SourceRegister == PseudoCall;

    public override readonly string ToString() => $"{Opcode:x2} {Registers:x2} {Offset} {Immediate}";
}
