namespace Nectar.Elf;

/// <summary>
/// One relocation (Elf64_Rel) of a BPF object: the instruction at byte <see cref="Offset"/> of the
/// target section refers to <see cref="Symbol"/>.
/// </summary>
internal sealed record ElfRelocation(ulong Offset, ElfRelocationType Type, ElfSymbol Symbol);

/// <summary>The BPF relocation types (R_BPF_*) clang emits.</summary>
internal enum ElfRelocationType : uint
{
    None = 0,
    /// <summary>R_BPF_64_64: an ld_imm64 naming a map or a global variable.</summary>
    Imm64 = 1,
    /// <summary>R_BPF_64_ABS64: data (.BTF, .BTF.ext, .maps initialisers).</summary>
    Abs64 = 2,
    /// <summary>R_BPF_64_ABS32: data in DWARF and BTF sections.</summary>
    Abs32 = 3,
    /// <summary>R_BPF_64_NODYLD32: DWARF and .BTF.ext.</summary>
    NoDyld32 = 4,
    /// <summary>R_BPF_64_32: a bpf-to-bpf call.</summary>
    Call32 = 10,
}
