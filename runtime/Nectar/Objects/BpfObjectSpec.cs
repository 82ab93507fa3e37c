using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>
/// A BPF object as read from its ELF file, before anything reaches the kernel: its programs
/// (linked), maps and global variables. Change global variables and map definitions here, then
/// <see cref="Load"/>. Reading never needs privileges.
/// </summary>
public sealed partial class BpfObjectSpec
{
    private const string LegacyMapsSection = "maps";

    private readonly Dictionary<string, MapSpec> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProgramSpec> _programs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VariableSpec> _variables = new(StringComparer.Ordinal);

    private BpfObjectSpec(ElfFile elf, string name)
    {
        Elf = elf;
        Name = name;
        License = ReadLicense();
        KernelVersion = ReadVersion();
        Btf = Elf.FindSection(".BTF") is { } btf ? Nectar.Btf.Btf.Parse(Elf.Contents(btf).ToArray()) : null;
        ReadLegacyMaps();
        ReadBtfMaps();
        ReadGlobalData();
        Externs = ExternReader.Read(Elf, Btf, Name);
        AddKconfigMap();
        ReadPrograms();
        MapSlotRelocations.Read(this);
    }

    /// <summary>The object's name: its file name without .bpf.o. Prefixes the kernel names of its data maps.</summary>
    public string Name { get; }

    /// <summary>The `license` section ("GPL", "Dual BSD/GPL"); empty when absent.</summary>
    public string License { get; }

    /// <summary>The `version` section, or 0.</summary>
    public uint KernelVersion { get; }

    internal ElfFile Elf { get; }

    /// <summary>The object's own BTF (.BTF), present when it was compiled with -g.</summary>
    public Btf.Btf? Btf { get; }

    public IReadOnlyDictionary<string, ProgramSpec> Programs => _programs;

    /// <summary>The externs the loader fills from the running kernel: __kconfig values, __ksym variables and kfuncs.</summary>
    public IReadOnlyList<BpfExtern> Externs { get; }

    /// <summary>Maps by name: BTF-defined and legacy maps by variable name, global data by section (".rodata", ".bss").</summary>
    public IReadOnlyDictionary<string, MapSpec> Maps => _maps;

    /// <summary>Global variables by name (.data, .rodata, .bss and their .name variants).</summary>
    public IReadOnlyDictionary<string, VariableSpec> Variables => _variables;

    public static BpfObjectSpec Parse(byte[] image, string name) => new(ElfFile.Parse(image, name), name);

    /// <summary>The object's name for a file name: without .bpf.o (or .o).</summary>
    internal static string ObjectName(string path)
    {
        string file = Path.GetFileName(path);
        foreach (var suffix in new[] { ".bpf.o", ".o" })
        {
            if (file.EndsWith(suffix, StringComparison.Ordinal))
                return file[..^suffix.Length];
        }
        return file;
    }

    private string ReadLicense()
    {
        if (Elf.FindSection("license") is not { } section)
            return "";
        // NUL-terminated, as C writes it: char LICENSE[] SEC("license") = "GPL";
        var bytes = Elf.Contents(section);
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString((end < 0 ? bytes : bytes.Slice(0, end)).ToArray());
    }

    private uint ReadVersion()
    {
        if (Elf.FindSection("version") is not { } section)
            return 0;
        var bytes = Elf.Contents(section);
        if (bytes.Length != 4)
            throw new ElfException($"{Name}: section 'version' is {bytes.Length} bytes; it must hold one 4-byte kernel version.");
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private IEnumerable<ElfSymbol> SymbolsIn(ElfSection section) =>
        Elf.Symbols.Where(s => s.SectionIndex == section.Index && s.Type != ElfSymbolType.Section && s.Name.Length > 0);

    /// <summary>The `maps` section: struct bpf_map_def { type, key_size, value_size, max_entries, map_flags } per symbol.</summary>
    private void ReadLegacyMaps()
    {
        if (Elf.FindSection(LegacyMapsSection) is not { } section)
            return;
        var symbols = SymbolsIn(section).OrderBy(s => s.Value).ToList();
        if (symbols.Count == 0)
            return;
        var data = Elf.Contents(section);
        int size = data.Length / symbols.Count;
        if (size < 20 || data.Length % symbols.Count != 0)
            throw new ElfException($"{Name}: section 'maps' is {data.Length} bytes for {symbols.Count} maps; each struct bpf_map_def must be at least 20 bytes and all the same size.");
        foreach (var symbol in symbols)
        {
            if (symbol.Value > (ulong)(data.Length - size))
                throw new ElfException($"{Name}: map '{symbol.Name}' at offset {symbol.Value} of section 'maps' has no whole {size}-byte definition there.");
            var def = data.Slice((int)symbol.Value, size).ToArray();
            uint Field(int i) => BinaryPrimitives.ReadUInt32LittleEndian(def.AsSpan(i * 4));
            var spec = new MapAttributes(symbol.Name, (MapType)Field(0), Field(1), Field(2), Field(3)) { Flags = (MapFlags)Field(4) };
            _maps[symbol.Name] = new MapSpec(symbol.Name, spec, MapOrigin.Legacy);
        }
    }

    private void ReadBtfMaps()
    {
        if (Elf.FindSection(".maps") is null)
            return;
        if (Btf is null)
            throw new ElfException($"{Name}: the object defines maps in '.maps' but has no .BTF section to describe them; compile it with clang -g.");
        foreach (var map in BtfMapDefinitions.Read(Btf, Name))
            _maps[map.Name] = map;
    }

    internal static bool IsGlobalDataSection(ElfSection section) =>
        !section.IsExecutable && section.IsAllocated && IsGlobalDataSectionName(section.Name);

    private static bool IsGlobalDataSectionName(string name) =>
        name is ".data" or ".rodata" or ".bss" || name.StartsWith(".data.", StringComparison.Ordinal) || name.StartsWith(".rodata.", StringComparison.Ordinal);

    /// <summary>Each global data section becomes a one-element array map whose value is the section.</summary>
    private void ReadGlobalData()
    {
        foreach (var section in Elf.Sections.Where(IsGlobalDataSection))
        {
            if (section.Size == 0)
                continue;
            if (section.Size > int.MaxValue)
                throw new ElfException($"{Name}: global data section '{section.Name}' is {section.Size} bytes, too large for an array map value.");
            bool readOnly = section.Name.StartsWith(".rodata", StringComparison.Ordinal);
            var spec = new MapAttributes(DataMapKernelName(section.Name), MapType.Array, 4, (uint)section.Size, 1)
            {
                Flags = readOnly ? MapFlags.ReadOnlyForPrograms : MapFlags.None,
            };
            var map = new MapSpec(section.Name, spec, MapOrigin.GlobalData)
            {
                // .bss has no bytes in the file and needs none: the kernel zero-fills the new map.
                InitialValue = section.Type == ElfSectionType.NoBits ? null : Elf.Contents(section).ToArray(),
                FreezeAfterCreate = readOnly,
            };
            _maps[section.Name] = map;
            foreach (var symbol in SymbolsIn(section).Where(s => s.Type == ElfSymbolType.Object))
            {
                if (!Fits(symbol.Value, symbol.Size, section.Size))
                    throw new ElfException($"{Name}: variable '{symbol.Name}' (offset {symbol.Value}, {symbol.Size} bytes) lies outside section '{section.Name}' ({section.Size} bytes).");
                _variables[symbol.Name] = new VariableSpec(symbol.Name, map, (int)symbol.Value, (int)symbol.Size);
            }
            TypeVariables(section.Name);
        }
    }

    /// <summary>Gives the section's variables their BTF VARs, from the DATASEC of the section's name (clang -g writes one).</summary>
    private void TypeVariables(string section)
    {
        if (Btf?.FindByName(section, BtfKind.Datasec) is not { } datasec)
            return;
        foreach (var entry in datasec.DatasecVars)
        {
            var variable = Btf.GetType(entry.TypeId);
            // By name: clang leaves DATASEC offsets 0 (loaders fill them in from the symbols, as ReadGlobalData read them).
            if (variable.Kind == BtfKind.Var && _variables.TryGetValue(variable.Name, out var global) && global.Map.Name == section)
                global.BtfVarId = variable.Id;
        }
    }

    /// <summary>NECTAR_RING_RECORD_PREFIX of bpf/include/nectar_ring.h.</summary>
    internal const string RingRecordMarkerPrefix = "__nectar_record_";

    /// <summary>
    /// The BTF type id of the record that NECTAR_RING_RECORD(<paramref name="ringBuffer"/>, struct x)
    /// declares (bpf/include/nectar_ring.h), or null where the object declares none for that ring.
    /// </summary>
    public uint? RingRecordTypeId(string ringBuffer)
    {
        foreach (var (map, typeId) in RingRecords())
        {
            if (map == ringBuffer)
                return typeId;
        }
        return null;
    }

    /// <summary>
    /// NECTAR_RING_RECORD(map, type) (bpf/include/nectar_ring.h): the record type each ring buffer names,
    /// by the global pointer `__nectar_record_MAP` whose target it is. The pointers hold no data.
    /// </summary>
    internal IEnumerable<(string Map, uint TypeId)> RingRecords()
    {
        if (Btf is null)
            yield break;
        // Read from BTF: an unused, uninitialised global may have no ELF symbol in a data section.
        foreach (var section in Btf.Types)
        {
            if (section.Kind != BtfKind.Datasec || !IsGlobalDataSectionName(section.Name))
                continue;
            foreach (var entry in section.DatasecVars)
            {
                var variable = Btf.GetType(entry.TypeId);
                if (variable.Kind != BtfKind.Var || !variable.Name.StartsWith(RingRecordMarkerPrefix, StringComparison.Ordinal))
                    continue;
                var pointer = Btf.SkipModifiersAndTypedefs(variable.TypeId);
                if (pointer.Kind == BtfKind.Ptr)
                    yield return (variable.Name.Substring(RingRecordMarkerPrefix.Length), pointer.TypeId);
            }
        }
    }

    /// <summary>
    /// __kconfig externs live in an internal read-only array map, ".kconfig", filled at load
    /// (<see cref="KconfigValues"/>) and frozen, which programs address like .rodata.
    /// </summary>
    private void AddKconfigMap()
    {
        var kconfig = Externs.Where(e => e.Kind == ExternKind.Kconfig).ToList();
        if (kconfig.Count == 0)
            return;
        int size = kconfig.Max(e => e.Offset + e.Size);
        var spec = new MapAttributes(DataMapKernelName(ExternReader.KconfigSection), MapType.Array, 4, (uint)size, 1) { Flags = MapFlags.ReadOnlyForPrograms };
        _maps[ExternReader.KconfigSection] = new MapSpec(ExternReader.KconfigSection, spec, MapOrigin.GlobalData)
        {
            InitialValue = new byte[size],
            FreezeAfterCreate = true,
        };
    }

    /// <summary>
    /// The kernel's 15-character map name for a data section: as much of the object name as fits,
    /// then the section name ("counter.rodata"), which is how bpftool shows libbpf's.
    /// </summary>
    private string DataMapKernelName(string section)
    {
        int prefix = Math.Max(0, Math.Min(Name.Length, 15 - section.Length));
        return Name[..prefix] + section;
    }

    private void ReadPrograms()
    {
        var functions = Elf.Symbols
            .Where(s => s.Type == ElfSymbolType.Function && s.SectionIndex < Elf.Sections.Count && Elf.Sections[s.SectionIndex].IsExecutable)
            .Select(s => ToFunction(s))
            .ToList();
        var linker = new ProgramLinker(Elf, functions, ResolveData);
        // Static functions are subprograms wherever they live (a callback in a code section of its
        // own, say); libbpf refuses static programs.
        foreach (var function in functions.Where(f => f.Section.Name != ".text" && !f.IsStatic))
        {
            // SEC("?NAME"): a program of section NAME that libbpf does not load by default.
            bool optional = function.Section.Name.StartsWith("?", StringComparison.Ordinal);
            var section = ProgramSection.Parse(optional ? function.Section.Name[1..] : function.Section.Name);
            if (_programs.ContainsKey(function.Name))
                throw new ElfException($"{Name}: two programs are named '{function.Name}'.");
            var program = section.IsSupported
                ? linker.Link(function, section, License)
                : new ProgramSpec(function.Name, section, License, [], [], [(function, 0)]);
            _programs[function.Name] = program;
            program.AutoLoad = !optional;
            program.BtfFuncId = Btf?.FindByName(function.Name, BtfKind.Func)?.Id ?? 0;
        }
    }

    private BpfFunction ToFunction(ElfSymbol symbol)
    {
        var section = Elf.Sections[symbol.SectionIndex];
        if (section.Type != ElfSectionType.ProgBits)
            throw new ElfException($"{Name}: function '{symbol.Name}' is in section '{section.Name}', which holds no instructions ({section.Type}).");
        if (symbol.Value % 8 != 0 || symbol.Size % 8 != 0 || !Fits(symbol.Value, symbol.Size, section.Size))
            throw new ElfException($"{Name}: function '{symbol.Name}' (offset {symbol.Value}, {symbol.Size} bytes) is not a whole run of 8-byte instructions inside section '{section.Name}' ({section.Size} bytes).");
        return new BpfFunction(symbol.Name, section, (int)(symbol.Value / 8), (int)(symbol.Size / 8)) { IsStatic = symbol.Binding == ElfSymbolBinding.Local };
    }

    /// <summary>Whether [offset, offset + size) lies inside a section of <paramref name="limit"/> bytes, without overflow.</summary>
    private static bool Fits(ulong offset, ulong size, ulong limit) => size <= limit && offset <= limit - size;

    private MapReference? ResolveData(ElfSymbol symbol, ElfSection section, int instruction)
    {
        if (section.Name is LegacyMapsSection or ".maps")
        {
            return _maps.ContainsKey(symbol.Name) && symbol.Type != ElfSymbolType.Section
                ? new MapReference(instruction, symbol.Name, null)
                : throw new ElfException($"{Name}: a program refers to '{symbol.Name}' in section '{section.Name}', which is not a map definition.");
        }
        if (!IsGlobalDataSection(section) || !_maps.ContainsKey(section.Name))
            return null;
        // A variable's symbol carries its offset; a section symbol (static data, strings) leaves it all in the addend.
        int symbolOffset = symbol.Type == ElfSymbolType.Section ? 0 : (int)symbol.Value;
        return new MapReference(instruction, section.Name, symbolOffset);
    }
}
