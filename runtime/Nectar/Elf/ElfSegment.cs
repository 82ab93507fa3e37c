namespace Nectar.Elf;

/// <summary>One program header (Elf64_Phdr): a piece of the file and where it is mapped.</summary>
internal sealed record ElfSegment(ElfSegmentType Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize)
{
    /// <summary>PF_X: the segment is mapped executable.</summary>
    public bool IsExecutable => (Flags & 0x1) != 0;
}

/// <summary>The program header types (p_type) Nectar looks at.</summary>
internal enum ElfSegmentType : uint
{
    Null = 0,
    /// <summary>PT_LOAD: mapped from the file when the program runs.</summary>
    Load = 1,
    Dynamic = 2,
    Interpreter = 3,
    Note = 4,
}
