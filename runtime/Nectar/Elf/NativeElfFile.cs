using System.Buffers.Binary;

namespace Nectar.Elf;

/// <summary>
/// A native executable or shared object (x86_64, aarch64, ...) as uprobes and USDT probes need it:
/// its loadable segments, its function symbols with their GNU symbol versions, and its sections by
/// name. It parses nothing of ELF itself: the headers, sections and symbol tables come from
/// <see cref="ElfFile"/> (<see cref="ElfFile.ParseAnyMachine"/>), the one ELF reader, and this layer
/// adds what only native binaries have (program headers as file offsets, .gnu.version_d and
/// .gnu.version). Every offset is checked before it is read, so a truncated or corrupt file is an
/// <see cref="ElfException"/>, never a crash.
/// </summary>
internal sealed partial class NativeElfFile
{
    private const int VersionDefinitionSize = 20;
    private const ushort VersionHidden = 0x8000;

    private readonly ElfFile _elf;
    private readonly string _origin;

    private NativeElfFile(ElfFile elf, string origin)
    {
        _elf = elf;
        _origin = origin;
        LoadSegments = elf.Segments.Where(s => s.Type == ElfSegmentType.Load).ToList();
        DynamicFunctions = Functions(elf.DynamicSymbols, ReadVersions());
        StaticFunctions = Functions(elf.Symbols, versions: null);
    }

    /// <summary>e_machine: 62 for x86_64, 183 for aarch64.</summary>
    public ushort Machine => _elf.Machine;

    /// <summary>e_type: 2 (ET_EXEC) for a position-dependent executable, 3 (ET_DYN) for a library or PIE.</summary>
    internal ushort FileType => _elf.FileType;

    /// <summary>The PT_LOAD program headers.</summary>
    public IReadOnlyList<ElfSegment> LoadSegments { get; }

    /// <summary>Defined functions of .dynsym, with their symbol versions ("malloc@@GLIBC_2.2.5").</summary>
    public IReadOnlyList<NativeElfFunction> DynamicFunctions { get; }

    /// <summary>Defined functions of .symtab; empty when the file is stripped.</summary>
    public IReadOnlyList<NativeElfFunction> StaticFunctions { get; }

    public static NativeElfFile Parse(byte[] image, string origin = "the ELF file") =>
        new(ElfFile.ParseAnyMachine(image, origin, "a uprobe needs an executable or shared library"), origin);

    /// <summary>
    /// The file offset of virtual address <paramref name="address"/>, through the executable PT_LOAD
    /// segment that maps it (what the kernel's uprobe PMU takes); null when no such segment maps it.
    /// </summary>
    public ulong? FileOffsetOf(ulong address) => FileOffsetOf(address, executableOnly: true);

    /// <summary>
    /// The file offset of <paramref name="address"/> through any PT_LOAD segment whose file bytes map
    /// it (a USDT semaphore lives in a data segment); null when none does.
    /// </summary>
    internal ulong? DataFileOffsetOf(ulong address) => FileOffsetOf(address, executableOnly: false);

    /// <summary>
    /// The section named <paramref name="name"/> (".note.stapsdt"): its sh_addr and its bytes (none
    /// for SHT_NOBITS); null when the file has no such section or no section names.
    /// </summary>
    internal (ulong Address, ReadOnlyMemory<byte> Data)? Section(string name) =>
        name.Length > 0 && _elf.FindSection(name) is { } section ? (section.Address, _elf.ContentsMemory(section)) : null;

    private ulong? FileOffsetOf(ulong address, bool executableOnly)
    {
        foreach (var segment in LoadSegments)
        {
            if ((segment.IsExecutable || !executableOnly) && address >= segment.VirtualAddress && address - segment.VirtualAddress < segment.FileSize)
                return address - segment.VirtualAddress + segment.Offset;
        }
        return null;
    }

    /// <summary>The defined STT_FUNC and STT_GNU_IFUNC symbols of a table, named with their versions when <paramref name="versions"/> has them.</summary>
    private static List<NativeElfFunction> Functions(IReadOnlyList<ElfSymbol> symbols, SymbolVersions? versions)
    {
        var functions = new List<NativeElfFunction>();
        foreach (var symbol in symbols)
        {
            if (symbol.Index == 0 || symbol.Type is not (ElfSymbolType.Function or ElfSymbolType.GnuIndirectFunction) || symbol.SectionIndex == 0 || symbol.Value == 0)
                continue;
            string name = symbol.Name;
            if (versions?.NameOf(symbol.Index) is { } version)
                name += version;
            functions.Add(new NativeElfFunction(name, symbol.Binding, symbol.Type == ElfSymbolType.GnuIndirectFunction, symbol.Value, symbol.Size));
        }
        return functions;
    }

    /// <summary>
    /// The version names of .gnu.version_d by version index (GLIBC_2.2.5, ...; index 1 is the file
    /// itself) and .gnu.version's index per dynamic symbol; null when the file defines no versions.
    /// </summary>
    private SymbolVersions? ReadVersions()
    {
        var definitionSection = _elf.Sections.FirstOrDefault(s => s.Type == ElfSectionType.GnuVersionDefinitions);
        if (definitionSection is null)
            return null;
        var definitions = _elf.Contents(definitionSection);
        var strings = _elf.Contents(_elf.LinkedSection(definitionSection, ElfSectionType.StringTable));
        var names = new string[ushort.MaxValue + 1];
        int offset = 0;
        for (int count = 0; count < definitions.Length / VersionDefinitionSize && offset + VersionDefinitionSize <= definitions.Length; count++)
        {
            var d = definitions[offset..];
            ushort number = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]);
            uint auxiliary = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]);
            if ((ulong)offset + auxiliary + 8 > (ulong)definitions.Length)
                throw ElfBounds.Error(_origin, $"version definition {count} points past the end of its section");
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(definitions[(offset + (int)auxiliary)..]);
            names[number & ~VersionHidden] = ElfBounds.ReadString(_origin, strings, name, $"the name of version {number}");
            if (next == 0 || (ulong)offset + next > (ulong)definitions.Length)
                break;
            offset += (int)next;
        }
        var indexSection = _elf.Sections.FirstOrDefault(s => s.Type == ElfSectionType.GnuVersionSymbols);
        return new SymbolVersions(names, indexSection is null ? ReadOnlyMemory<byte>.Empty : _elf.ContentsMemory(indexSection));
    }

    /// <summary>.gnu.version_d's names and .gnu.version's 16-bit index per dynamic symbol (bit 15: hidden, an older version).</summary>
    private sealed class SymbolVersions(string[] names, ReadOnlyMemory<byte> indexes)
    {
        /// <summary>"@@GLIBC_2.2.5" for the default version, "@GLIBC_2.2.5" for a hidden one; null when the symbol has none.</summary>
        public string? NameOf(int symbol)
        {
            if ((symbol + 1) * 2 > indexes.Length)
                return null;
            ushort index = BinaryPrimitives.ReadUInt16LittleEndian(indexes.Span[(symbol * 2)..]);
            int number = index & ~VersionHidden;
            return number > 1 && names[number] is { Length: > 0 } version
                ? ((index & VersionHidden) != 0 ? "@" : "@@") + version
                : null;
        }
    }
}

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
