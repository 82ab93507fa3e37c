namespace Nectar.Elf;

/// <summary>One entry of the symbol table (Elf64_Sym), with its name resolved.</summary>
internal sealed record ElfSymbol(int Index, string Name, ElfSymbolType Type, ElfSymbolBinding Binding, ushort SectionIndex, ulong Value, ulong Size);

internal enum ElfSymbolType : byte
{
    NoType = 0,
    Object = 1,
    Function = 2,
    Section = 3,
    File = 4,
}

internal enum ElfSymbolBinding : byte
{
    Local = 0,
    Global = 1,
    Weak = 2,
}
