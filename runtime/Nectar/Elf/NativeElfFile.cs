using System.Buffers.Binary;

namespace Nectar.Elf;

/// <summary>
/// A native ELF64 little-endian executable or shared object (x86_64, aarch64, ...): its loadable
/// segments and its function symbols, which is what a uprobe needs to turn a function name into
/// the file offset the kernel probes. Every offset is checked against the file before it is read,
/// so a truncated or corrupt file is an <see cref="ElfException"/>, never a crash.
/// </summary>
internal sealed partial class NativeElfFile
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;
    private const uint SectionSymbolTable = 2;
    private const uint SectionDynamicSymbols = 11;
    private const uint SectionVersionDefinitions = 0x6ffffffd;
    private const uint SectionVersionSymbols = 0x6fffffff;
    private const byte SymbolGnuIndirectFunction = 10;
    private const ushort VersionHidden = 0x8000;

    private readonly byte[] _image;
    private readonly string _origin;
    private readonly List<(uint Type, ulong Offset, ulong Size, uint Link)> _sections = [];
    // Each section's sh_name and sh_addr, by the same index as _sections: found by name for USDT notes.
    private readonly List<(uint Name, ulong Address)> _sectionNames = [];
    private ushort _sectionNameTable;

    private NativeElfFile(byte[] image, string origin)
    {
        _image = image;
        _origin = origin;
        ReadHeader();
        DynamicFunctions = ReadFunctions(SectionDynamicSymbols);
        StaticFunctions = ReadFunctions(SectionSymbolTable);
    }

    /// <summary>e_machine: 62 for x86_64, 183 for aarch64.</summary>
    public ushort Machine { get; private set; }

    /// <summary>e_type: 2 (ET_EXEC) for a position-dependent executable, 3 (ET_DYN) for a library or PIE.</summary>
    internal ushort FileType { get; private set; }

    /// <summary>The PT_LOAD program headers.</summary>
    public IReadOnlyList<NativeElfSegment> LoadSegments { get; private set; } = [];

    /// <summary>Defined functions of .dynsym, with their symbol versions ("malloc@@GLIBC_2.2.5").</summary>
    public IReadOnlyList<NativeElfFunction> DynamicFunctions { get; }

    /// <summary>Defined functions of .symtab; empty when the file is stripped.</summary>
    public IReadOnlyList<NativeElfFunction> StaticFunctions { get; }

    public static NativeElfFile Parse(byte[] image, string origin = "the ELF file") => new(image, origin);

    /// <summary>
    /// The file offset of virtual address <paramref name="address"/>, through the executable PT_LOAD
    /// segment that maps it (what the kernel's uprobe PMU takes); null when no such segment maps it.
    /// </summary>
    public ulong? FileOffsetOf(ulong address)
    {
        foreach (var segment in LoadSegments)
        {
            if (segment.IsExecutable && address >= segment.VirtualAddress && address - segment.VirtualAddress < segment.FileSize)
                return address - segment.VirtualAddress + segment.Offset;
        }
        return null;
    }

    /// <summary>
    /// The section named <paramref name="name"/> (".note.stapsdt"): its sh_addr and its bytes (none
    /// for SHT_NOBITS); null when the file has no such section or no section name table.
    /// </summary>
    internal (ulong Address, ReadOnlyMemory<byte> Data)? Section(string name)
    {
        if (_sectionNameTable == 0 || _sectionNameTable >= _sections.Count)
            return null;
        var names = Contents(_sectionNameTable, "section name table");
        for (int i = 1; i < _sections.Count; i++)
        {
            if (ReadString(names, _sectionNames[i].Name, $"the name of section {i}") != name)
                continue;
            if (_sections[i].Type == 8) // SHT_NOBITS: no bytes in the file
                return (_sectionNames[i].Address, ReadOnlyMemory<byte>.Empty);
            var (_, offset, size, _) = _sections[i];
            CheckRange(offset, size, $"section {name} (section {i})");
            return (_sectionNames[i].Address, _image.AsMemory((int)offset, (int)size));
        }
        return null;
    }

    /// <summary>
    /// The file offset of <paramref name="address"/> through any PT_LOAD segment whose file bytes map
    /// it (a USDT semaphore lives in a data segment); null when none does.
    /// </summary>
    internal ulong? DataFileOffsetOf(ulong address)
    {
        foreach (var segment in LoadSegments)
        {
            if (address >= segment.VirtualAddress && address - segment.VirtualAddress < segment.FileSize)
                return address - segment.VirtualAddress + segment.Offset;
        }
        return null;
    }

    private ElfException Error(string problem) => ElfBounds.Error(_origin, problem);

    private void ReadHeader()
    {
        var image = _image.AsSpan();
        ElfBounds.CheckHeader(_image, _origin, HeaderSize, "a uprobe needs an executable or shared library");
        if (image[4] != 2)
            throw Error($"ELF class {image[4]} at offset 4 is not ELFCLASS64; Nectar probes 64-bit binaries only");
        if (image[5] != 1)
            throw Error($"ELF data encoding {image[5]} at offset 5 is not little-endian");
        Machine = BinaryPrimitives.ReadUInt16LittleEndian(image[18..]);
        FileType = BinaryPrimitives.ReadUInt16LittleEndian(image[16..]);
        _sectionNameTable = BinaryPrimitives.ReadUInt16LittleEndian(image[62..]);

        ulong programTable = BinaryPrimitives.ReadUInt64LittleEndian(image[32..]);
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(image[40..]);
        ushort programEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[54..]);
        ushort programCount = BinaryPrimitives.ReadUInt16LittleEndian(image[56..]);
        ushort sectionEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[58..]);
        ushort sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(image[60..]);

        if (programCount > 0)
        {
            if (programEntrySize != ProgramHeaderSize)
                throw Error($"program header size {programEntrySize} at offset 54 is not {ProgramHeaderSize}");
            CheckRange(programTable, (ulong)programCount * ProgramHeaderSize, "the program header table");
            var segments = new List<NativeElfSegment>();
            for (int i = 0; i < programCount; i++)
            {
                var h = image.Slice((int)programTable + i * ProgramHeaderSize, ProgramHeaderSize);
                if (BinaryPrimitives.ReadUInt32LittleEndian(h) != 1) // PT_LOAD
                    continue;
                uint flags = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
                segments.Add(new NativeElfSegment(BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt64LittleEndian(h[40..]), (flags & 1) != 0));
            }
            LoadSegments = segments;
        }

        if (sectionCount > 0)
        {
            if (sectionEntrySize != SectionHeaderSize)
                throw Error($"section header size {sectionEntrySize} at offset 58 is not {SectionHeaderSize}");
            CheckRange(sectionTable, (ulong)sectionCount * SectionHeaderSize, "the section header table");
            for (int i = 0; i < sectionCount; i++)
            {
                var h = image.Slice((int)sectionTable + i * SectionHeaderSize, SectionHeaderSize);
                _sections.Add((BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt32LittleEndian(h[40..])));
                _sectionNames.Add((BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt64LittleEndian(h[16..])));
            }
        }
    }

    private IReadOnlyList<NativeElfFunction> ReadFunctions(uint tableType)
    {
        int tableIndex = _sections.FindIndex(s => s.Type == tableType);
        if (tableIndex < 0)
            return [];
        var symbols = Contents(tableIndex, "symbol table");
        var strings = Contents(LinkOf(tableIndex), "symbol string table");
        string[]? versions = tableType == SectionDynamicSymbols ? ReadVersionNames() : null;
        var versionIndexes = tableType == SectionDynamicSymbols && _sections.FindIndex(s => s.Type == SectionVersionSymbols) is int v and >= 0
            ? Contents(v, "symbol version table") : default;

        var functions = new List<NativeElfFunction>();
        for (int i = 1; i < symbols.Length / SymbolSize; i++)
        {
            var s = symbols.Slice(i * SymbolSize, SymbolSize);
            byte type = (byte)(s[4] & 0xF);
            ushort section = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            if (type is not ((byte)ElfSymbolType.Function or SymbolGnuIndirectFunction) || section == 0 || value == 0)
                continue;
            string name = ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(s), $"the name of symbol {i}");
            if (versions is not null && (i + 1) * 2 <= versionIndexes.Length)
            {
                ushort index = BinaryPrimitives.ReadUInt16LittleEndian(versionIndexes[(i * 2)..]);
                int number = index & ~VersionHidden;
                if (number > 1 && number < versions.Length && versions[number] is { Length: > 0 } version)
                    name += ((index & VersionHidden) != 0 ? "@" : "@@") + version;
            }
            functions.Add(new NativeElfFunction(name, (ElfSymbolBinding)(s[4] >> 4), type == SymbolGnuIndirectFunction,
                value, BinaryPrimitives.ReadUInt64LittleEndian(s[16..])));
        }
        return functions;
    }

    /// <summary>The version names of .gnu.version_d by version index (GLIBC_2.2.5, ...); index 1 is the file itself.</summary>
    private string[]? ReadVersionNames()
    {
        int index = _sections.FindIndex(s => s.Type == SectionVersionDefinitions);
        if (index < 0)
            return null;
        var definitions = Contents(index, "version definitions");
        var strings = Contents(LinkOf(index), "version string table");
        var names = new string[ushort.MaxValue + 1];
        int offset = 0;
        for (int count = 0; count < definitions.Length / 20 && offset + 20 <= definitions.Length; count++)
        {
            var d = definitions[offset..];
            ushort number = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]);
            uint auxiliary = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]);
            if ((ulong)offset + auxiliary + 8 > (ulong)definitions.Length)
                throw Error($"version definition {count} points past the end of its section");
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(definitions[(offset + (int)auxiliary)..]);
            names[number & ~VersionHidden] = ReadString(strings, name, $"the name of version {number}");
            if (next == 0 || (ulong)offset + next > (ulong)definitions.Length)
                break;
            offset += (int)next;
        }
        return names;
    }

    private int LinkOf(int section)
    {
        uint link = _sections[section].Link;
        if (link >= _sections.Count)
            throw Error($"section {section} links to section {link}, past the {_sections.Count} sections");
        return (int)link;
    }

    private ReadOnlySpan<byte> Contents(int section, string what)
    {
        var (_, offset, size, _) = _sections[section];
        CheckRange(offset, size, $"the {what} (section {section})");
        return _image.AsSpan((int)offset, (int)size);
    }

    private string ReadString(ReadOnlySpan<byte> table, uint offset, string what) => ElfBounds.ReadString(_origin, table, offset, what);

    private void CheckRange(ulong offset, ulong size, string what) => ElfBounds.CheckRange(_image, _origin, offset, size, what);
}

/// <summary>A PT_LOAD program header: where a piece of the file is mapped.</summary>
internal sealed record NativeElfSegment(ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize, bool IsExecutable);

/// <summary>
/// A defined STT_FUNC or STT_GNU_IFUNC symbol. <see cref="Name"/> carries its version as the
/// linker writes it: "malloc@@GLIBC_2.2.5" for the default version, "memcpy@GLIBC_2.2.5" for an older one.
/// </summary>
internal sealed record NativeElfFunction(string Name, ElfSymbolBinding Binding, bool IsIndirect, ulong Address, ulong Size)
{
    /// <summary>The name without its version ("malloc").</summary>
    public string BaseName => Name.IndexOf('@') is int at and >= 0 ? Name[..at] : Name;

    /// <summary>The version without its '@' or "@@" ("GLIBC_2.2.5"); empty when unversioned.</summary>
    public string Version => Name.IndexOf('@') is int at and >= 0 ? Name[at..].TrimStart('@') : "";
}
