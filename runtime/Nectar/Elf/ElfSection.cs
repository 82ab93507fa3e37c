namespace Nectar.Elf;

/// <summary>One section header of an ELF file, with its name resolved.</summary>
internal sealed record ElfSection(int Index, string Name, ElfSectionType Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize)
{
    /// <summary>sh_addr: where the section is in memory when the file is loaded (0 in a BPF object).</summary>
    public ulong Address { get; init; }

    /// <summary>SHF_EXECINSTR: the section holds BPF instructions.</summary>
    public bool IsExecutable => (Flags & 0x4) != 0;

    /// <summary>SHF_ALLOC: the section is part of the loaded image.</summary>
    public bool IsAllocated => (Flags & 0x2) != 0;

    /// <summary>SHF_WRITE.</summary>
    public bool IsWritable => (Flags & 0x1) != 0;
}

/// <summary>The section types (sh_type) of a BPF object, and those a native binary's symbols need.</summary>
internal enum ElfSectionType : uint
{
    Null = 0,
    ProgBits = 1,
    SymbolTable = 2,
    StringTable = 3,
    RelocationsWithAddends = 4,
    Note = 7,
    NoBits = 8,
    Relocations = 9,
    DynamicSymbols = 11,
    LlvmAddrsig = 0x6FFF4C03,
    /// <summary>SHT_GNU_verdef (.gnu.version_d): the versions a shared library defines.</summary>
    GnuVersionDefinitions = 0x6FFFFFFD,
    /// <summary>SHT_GNU_versym (.gnu.version): each dynamic symbol's version index.</summary>
    GnuVersionSymbols = 0x6FFFFFFF,
}
