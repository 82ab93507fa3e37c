namespace Nectar.Elf;

/// <summary>One entry of the symbol table (Elf64_Sym), with its name resolved.</summary>
internal sealed record ElfSymbol(int Index, string Name, ElfSymbolType Type, ElfSymbolBinding Binding, ushort SectionIndex, ulong Value, ulong Size)
{
    /// <summary>The visibility in st_other: <c>__hidden</c> (__attribute__((visibility("hidden")))) gives Hidden.</summary>
    public ElfSymbolVisibility Visibility { get; init; }

    /// <summary>A global that is hidden or internal: libbpf treats such a function as static (see ObjectBtf).</summary>
    public bool IsHiddenGlobal => Binding != ElfSymbolBinding.Local && Visibility is ElfSymbolVisibility.Hidden or ElfSymbolVisibility.Internal;
}

/// <summary>ELF symbol visibility (STV_*), the low two bits of st_other.</summary>
internal enum ElfSymbolVisibility : byte
{
    Default = 0,
    Internal = 1,
    Hidden = 2,
    Protected = 3,
}

internal enum ElfSymbolType : byte
{
    NoType = 0,
    Object = 1,
    Function = 2,
    Section = 3,
    File = 4,
    /// <summary>STT_GNU_IFUNC: a function whose address a resolver picks at load time (glibc's memcpy).</summary>
    GnuIndirectFunction = 10,
}

internal enum ElfSymbolBinding : byte
{
    Local = 0,
    Global = 1,
    Weak = 2,
}
