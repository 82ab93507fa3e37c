using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Nectar.Elf;

/// <summary>
/// An ELF64 little-endian file: section headers, the symbol table and relocation sections. It is
/// Nectar's one ELF reader: BPF objects as clang writes them (EM_BPF, <see cref="Parse"/>), and any
/// machine's file for its sections (<see cref="ParseAnyMachine"/>: .BTF of a kernel image or module,
/// the symbols of a binary a uprobe attaches to). Every offset and size is checked against the file
/// before it is read, so a truncated or corrupt file is an <see cref="ElfException"/>. The runtime
/// and the generator compile it (netstandard2.0).
/// </summary>
internal sealed partial class ElfFile
{
    private const ushort MachineBpf = 247;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;
    private const int RelocationSize = 16;

    private readonly byte[] _image;
    private readonly string _origin;

    private ElfFile(byte[] image, string origin, bool bpfOnly)
    {
        _image = image;
        _origin = origin;
        Sections = ReadSections(bpfOnly);
        Symbols = ReadSymbols();
    }

    /// <summary>e_machine: 247 for BPF, 62 for x86_64, 183 for aarch64.</summary>
    public ushort Machine { get; private set; }

    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>The symbol table (.symtab); index 0 is the null symbol.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>Reads a BPF object from memory; <paramref name="origin"/> names it in errors.</summary>
    public static ElfFile Parse(byte[] image, string origin = "the BPF object") => new(image, origin, bpfOnly: true);

    /// <summary>Reads the sections and symbols of an ELF file of any machine.</summary>
    public static ElfFile ParseAnyMachine(byte[] image, string origin) => new(image, origin, bpfOnly: false);

    /// <summary>Whether <paramref name="file"/> starts with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> file) =>
        file.Length >= 4 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F';

    /// <summary>A copy of the named section's bytes, or null when there is no such section.</summary>
    public byte[]? SectionBytes(string name) => FindSection(name) is { } section ? Contents(section).ToArray() : null;

    public ElfSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The bytes of a section; empty for SHT_NOBITS (.bss), whose size is only declared.</summary>
    public ReadOnlySpan<byte> Contents(ElfSection section) =>
        section.Type == ElfSectionType.NoBits ? default : _image.AsSpan((int)section.Offset, (int)section.Size);

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

    private IReadOnlyList<ElfSection> ReadSections(bool bpfOnly)
    {
        var image = _image.AsSpan();
        ElfBounds.CheckHeader(_image, _origin, HeaderSize, "compile BPF programs with clang -target bpf -c");
        if (image[4] != 2)
            throw Error($"ELF class {image[4]} at offset 4 is not ELFCLASS64");
        if (image[5] != 1)
            throw Error($"ELF data encoding {image[5]} at offset 5 is not little-endian; compile with -target bpf (or bpfel), not bpfeb");
        ushort machine = Machine = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(18));
        if (bpfOnly && machine != MachineBpf)
            throw Error($"machine {machine} at offset 18 is not EM_BPF ({MachineBpf}); compile with clang -target bpf");

        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(40));
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(58));
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(60));
        ushort namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(62));
        if (entrySize != SectionHeaderSize)
            throw Error($"section header size {entrySize} at offset 58 is not {SectionHeaderSize}");
        CheckRange(sectionTable, (ulong)count * SectionHeaderSize, "the section header table");
        if (namesIndex >= count)
            throw Error($"section name table index {namesIndex} at offset 62 is past the {count} sections");

        var headers = new (uint Name, ElfSectionType Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize)[count];
        for (int i = 0; i < count; i++)
        {
            var h = image.Slice((int)sectionTable + i * SectionHeaderSize, SectionHeaderSize);
            headers[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), (ElfSectionType)BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(4)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(8)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(24)),
                BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(32)), BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(40)),
                BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(44)), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(56)));
            // Every section with contents in the file is checked, whatever its type: a SHT_NULL
            // section named as a string table is read like any other. Only SHT_NOBITS has no bytes.
            if (headers[i].Type != ElfSectionType.NoBits)
                CheckRange(headers[i].Offset, headers[i].Size, $"section {i}");
        }

        var names = headers[namesIndex];
        if (names.Type != ElfSectionType.StringTable)
            throw Error($"the section name table (section {namesIndex}) is of type {names.Type}, not a string table (SHT_STRTAB)");
        var nameTable = image.Slice((int)names.Offset, (int)names.Size);
        var sections = new ElfSection[count];
        for (int i = 0; i < count; i++)
        {
            var h = headers[i];
            string name = ReadString(nameTable, h.Name, $"the name of section {i}");
            sections[i] = new ElfSection(i, name, h.Type, h.Flags, h.Offset, h.Size, h.Link, h.Info, h.EntrySize);
        }
        return sections;
    }

    private IReadOnlyList<ElfSymbol> ReadSymbols()
    {
        var table = Sections.FirstOrDefault(s => s.Type == ElfSectionType.SymbolTable);
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
