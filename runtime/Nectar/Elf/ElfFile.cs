using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Nectar.Elf;

/// <summary>
/// An ELF64 little-endian file: the ELF header, program headers, section headers, the symbol tables
/// (.symtab and .dynsym) and relocation sections. It is Nectar's one ELF reader: BPF objects as clang
/// writes them (EM_BPF, <see cref="Parse"/>), and any machine's file (<see cref="ParseAnyMachine"/>:
/// .BTF of a kernel image or module; <see cref="NativeElfFile"/> builds what a uprobe or USDT probe
/// needs on it). Every offset and size is checked against the file before it is read, so a
/// truncated or corrupt file is an <see cref="ElfException"/>. The runtime and the generator compile
/// it (netstandard2.0).
/// </summary>
internal sealed partial class ElfFile
{
    private const ushort MachineBpf = 247;
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;
    private const int RelocationSize = 16;

    private const string BpfAdvice = "compile BPF programs with clang -target bpf -c";

    private readonly byte[] _image;
    private readonly string _origin;

    private ElfFile(byte[] image, string origin, bool bpfOnly, string notElfAdvice)
    {
        _image = image;
        _origin = origin;
        ReadHeader(bpfOnly, notElfAdvice);
        Sections = ReadSections(bpfOnly);
        Symbols = ReadSymbols(ElfSectionType.SymbolTable);
        DynamicSymbols = ReadSymbols(ElfSectionType.DynamicSymbols);
    }

    /// <summary>e_machine: 247 for BPF, 62 for x86_64, 183 for aarch64.</summary>
    public ushort Machine { get; private set; }

    /// <summary>e_type: 1 (ET_REL) for a BPF object, 2 (ET_EXEC) for a position-dependent executable, 3 (ET_DYN) for a library or PIE.</summary>
    public ushort FileType { get; private set; }

    /// <summary>The program headers (none in a BPF object, which is relocatable).</summary>
    public IReadOnlyList<ElfSegment> Segments { get; private set; } = [];

    /// <summary>The section headers; empty for a native binary stripped of them (sstrip).</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>The symbol table (.symtab); index 0 is the null symbol; empty when the file is stripped.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>The dynamic symbol table (.dynsym) of an executable or shared library; index 0 is the null symbol.</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols { get; }

    /// <summary>Reads a BPF object from memory; <paramref name="origin"/> names it in errors.</summary>
    public static ElfFile Parse(byte[] image, string origin = "the BPF object") => new(image, origin, bpfOnly: true, BpfAdvice);

    /// <summary>
    /// Reads an ELF file of any machine. A file without section headers, or without a section name
    /// table, is read too (its sections are missing or unnamed): native binaries may be stripped so.
    /// <paramref name="notElfAdvice"/> ends the error for a file that is not ELF at all.
    /// </summary>
    public static ElfFile ParseAnyMachine(byte[] image, string origin, string notElfAdvice = "expected an ELF file") =>
        new(image, origin, bpfOnly: false, notElfAdvice);

    /// <summary>Whether <paramref name="file"/> starts with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> file) =>
        file.Length >= 4 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F';

    /// <summary>A copy of the named section's bytes, or null when there is no such section.</summary>
    public byte[]? SectionBytes(string name) => FindSection(name) is { } section ? Contents(section).ToArray() : null;

    public ElfSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The bytes of a section; empty for SHT_NOBITS (.bss), whose size is only declared.</summary>
    public ReadOnlySpan<byte> Contents(ElfSection section) => ContentsMemory(section).Span;

    /// <summary><see cref="Contents"/> as memory, for a reader that keeps it past the call.</summary>
    public ReadOnlyMemory<byte> ContentsMemory(ElfSection section) =>
        section.Type == ElfSectionType.NoBits ? default : _image.AsMemory((int)section.Offset, (int)section.Size);

    /// <summary>The section <paramref name="section"/> links to (sh_link: a symbol table's strings, ...), checked.</summary>
    public ElfSection LinkedSection(ElfSection section, ElfSectionType expected)
    {
        if (section.Link >= Sections.Count)
            throw Error($"section '{section.Name}' ({section.Index}) links to section {section.Link}, past the {Sections.Count} sections");
        var linked = Sections[(int)section.Link];
        if (linked.Type != expected)
            throw Error($"section '{section.Name}' ({section.Index}) links to section {section.Link} '{linked.Name}', of type {linked.Type}, not {expected}");
        return linked;
    }

    /// <summary>The relocations that apply to <paramref name="target"/> (from its .rel section), if any.</summary>
    public IReadOnlyList<ElfRelocation> RelocationsFor(ElfSection target)
    {
        var relocations = new List<ElfRelocation>();
        foreach (var section in Sections)
        {
            if (section.Type == ElfSectionType.RelocationsWithAddends && section.Info == target.Index)
                throw Error($"section '{section.Name}' has relocations with addends (SHT_RELA), which clang never emits for BPF");
            if (section.Type != ElfSectionType.Relocations || section.Info != target.Index)
                continue;
            var data = Contents(section);
            for (int offset = 0; offset + RelocationSize <= data.Length; offset += RelocationSize)
            {
                ulong at = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(offset));
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(offset + 8));
                int symbol = (int)Math.Min(info >> 32, int.MaxValue);
                if (symbol >= Symbols.Count)
                    throw Error($"relocation {offset / RelocationSize} of section '{section.Name}' names symbol {symbol}, but the symbol table has {Symbols.Count}");
                if (at >= target.Size)
                    throw Error($"relocation {offset / RelocationSize} of section '{section.Name}' points at offset {at}, past the end of '{target.Name}' ({target.Size} bytes)");
                relocations.Add(new ElfRelocation(at, (ElfRelocationType)(uint)info, Symbols[symbol]));
            }
        }
        return relocations;
    }

    private ElfException Error(string problem) => ElfBounds.Error(_origin, problem);

    private void ReadHeader(bool bpfOnly, string notElfAdvice)
    {
        var image = _image.AsSpan();
        ElfBounds.CheckHeader(_image, _origin, HeaderSize, notElfAdvice);
        if (image[4] != 2)
            throw Error($"ELF class {image[4]} at offset 4 is not ELFCLASS64" + (bpfOnly ? "" : "; Nectar reads 64-bit files only"));
        if (image[5] != 1)
            throw Error($"ELF data encoding {image[5]} at offset 5 is not little-endian" + (bpfOnly ? "; compile with -target bpf (or bpfel), not bpfeb" : ""));
        FileType = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(16));
        ushort machine = Machine = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(18));
        if (bpfOnly && machine != MachineBpf)
            throw Error($"machine {machine} at offset 18 is not EM_BPF ({MachineBpf}); compile with clang -target bpf");

        ulong programTable = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(32));
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(54));
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(56));
        if (count == 0)
            return;
        if (entrySize != ProgramHeaderSize)
            throw Error($"program header size {entrySize} at offset 54 is not {ProgramHeaderSize}");
        CheckRange(programTable, (ulong)count * ProgramHeaderSize, "the program header table");
        var segments = new ElfSegment[count];
        for (int i = 0; i < count; i++)
        {
            var h = image.Slice((int)programTable + i * ProgramHeaderSize, ProgramHeaderSize);
            segments[i] = new ElfSegment((ElfSegmentType)BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(4)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(8)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(16)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(32)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(40)));
        }
        Segments = segments;
    }

    private IReadOnlyList<ElfSection> ReadSections(bool bpfOnly)
    {
        var image = _image.AsSpan();
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(40));
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(58));
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(60));
        ushort namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(62));
        // A native binary may have no section headers at all (sstrip); a BPF object without them has nothing to load.
        if (count == 0 && !bpfOnly)
            return [];
        if (entrySize != SectionHeaderSize)
            throw Error($"section header size {entrySize} at offset 58 is not {SectionHeaderSize}");
        CheckRange(sectionTable, (ulong)count * SectionHeaderSize, "the section header table");
        if (namesIndex >= count)
            throw Error($"section name table index {namesIndex} at offset 62 is past the {count} sections");

        var headers = new (uint Name, ElfSectionType Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize)[count];
        for (int i = 0; i < count; i++)
        {
            var h = image.Slice((int)sectionTable + i * SectionHeaderSize, SectionHeaderSize);
            headers[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), (ElfSectionType)BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(4)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(8)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(16)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(24)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(32)), BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(40)),
                BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(44)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(56)));
            // Every section with contents in the file is checked, whatever its type: a SHT_NULL
            // section named as a string table is read like any other. Only SHT_NOBITS has no bytes.
            if (headers[i].Type != ElfSectionType.NoBits)
                CheckRange(headers[i].Offset, headers[i].Size, $"section {i}");
        }

        // e_shstrndx 0 (SHN_UNDEF) says there are no section names: allowed outside BPF objects, whose sections are found by name.
        bool unnamed = namesIndex == 0 && !bpfOnly;
        var names = headers[namesIndex];
        if (!unnamed && names.Type != ElfSectionType.StringTable)
            throw Error($"the section name table (section {namesIndex}) is of type {names.Type}, not a string table (SHT_STRTAB)");
        var nameTable = unnamed ? default : image.Slice((int)names.Offset, (int)names.Size);
        var sections = new ElfSection[count];
        for (int i = 0; i < count; i++)
        {
            var h = headers[i];
            string name = unnamed ? "" : ReadString(nameTable, h.Name, $"the name of section {i}");
            sections[i] = new ElfSection(i, name, h.Type, h.Flags, h.Offset, h.Size, h.Link, h.Info, h.EntrySize) { Address = h.Address };
        }
        return sections;
    }

    private IReadOnlyList<ElfSymbol> ReadSymbols(ElfSectionType tableType)
    {
        var table = Sections.FirstOrDefault(s => s.Type == tableType);
        if (table is null)
            return [];
        if (table.Link >= Sections.Count)
            throw Error($"symbol table '{table.Name}' links to string table {table.Link}, past the {Sections.Count} sections");
        var stringSection = Sections[(int)table.Link];
        if (stringSection.Type != ElfSectionType.StringTable)
            throw Error($"symbol table '{table.Name}' links to section {table.Link} '{stringSection.Name}', of type {stringSection.Type}, not a string table (SHT_STRTAB)");
        var strings = Contents(stringSection);
        var data = Contents(table);
        var symbols = new ElfSymbol[data.Length / SymbolSize];
        for (int i = 0; i < symbols.Length; i++)
        {
            var s = data.Slice(i * SymbolSize, SymbolSize);
            string name = ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(s), $"the name of symbol {i}");
            byte info = s[4];
            ushort section = BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(6));
            symbols[i] = new ElfSymbol(i, name, (ElfSymbolType)(info & 0xF), (ElfSymbolBinding)(info >> 4), section,
                BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(8)), BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(16)))
            {
                Visibility = (ElfSymbolVisibility)(s[5] & 0x3),
            };
        }
        return symbols;
    }

    private string ReadString(ReadOnlySpan<byte> table, uint offset, string what) => ElfBounds.ReadString(_origin, table, offset, what);

    private void CheckRange(ulong offset, ulong size, string what) => ElfBounds.CheckRange(_image, _origin, offset, size, what);
}
