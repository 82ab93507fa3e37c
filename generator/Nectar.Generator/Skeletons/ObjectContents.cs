using System;
using System.Collections.Generic;
using System.IO;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Maps;

namespace Nectar.Generator.Skeletons
{
    /// <summary>A program of the object: its function, the ELF section that says how it attaches, its FUNC type.</summary>
    internal sealed record ObjectProgram(string Name, string Section, uint FuncTypeId);

    /// <summary>A BTF-defined map (<c>SEC(".maps")</c>): its kind, size and key/value types (0 when BTF gives none).</summary>
    internal sealed record ObjectMap(string Name, MapType Type, uint MaxEntries, uint KeyTypeId, uint ValueTypeId)
    {
        public bool IsRingBuffer => Type == MapType.RingBuf;

        /// <summary>Per-CPU maps hold one value per CPU: a lookup is not one value of the value type.</summary>
        public bool IsPerCpu => Type.IsPerCpu();
    }

    /// <summary>A global variable of a data section (.rodata*, .data*, .bss*).</summary>
    internal sealed record ObjectVariable(string Name, string Section, uint TypeId)
    {
        /// <summary>.rodata variables are <c>const volatile</c> settings: written before load, frozen after.</summary>
        public bool IsConstant => Section.StartsWith(".rodata", StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>NECTAR_RING_RECORD(map, type)</c> (bpf/include/nectar_ring.h): ring buffer <paramref name="Map"/>
    /// carries records of type <paramref name="TypeId"/> (the marker pointer's target).
    /// </summary>
    internal sealed record ObjectRingRecord(string Map, uint TypeId);

    /// <summary>
    /// What a compiled BPF object holds, as its BTF describes it: maps from the .maps DATASEC, global
    /// variables from the data DATASECs, and programs from .BTF.ext's function records (every function
    /// placed in a section other than .text is a program, unless static, as loaders decide). Reads only the .BTF and
    /// .BTF.ext sections, through the runtime's ELF reader (Elf/ElfFile.cs, compiled in).
    /// </summary>
    internal sealed class ObjectContents
    {
        private const uint StaticLinkage = 0;
        private const uint GlobalLinkage = 1;

        private ObjectContents(Btf.Btf btf, IReadOnlyList<ObjectProgram> programs, IReadOnlyList<ObjectMap> maps,
            IReadOnlyList<ObjectVariable> variables, IReadOnlyList<ObjectRingRecord> ringRecords)
        {
            Btf = btf;
            Programs = programs;
            Maps = maps;
            Variables = variables;
            RingRecords = ringRecords;
        }

        public Btf.Btf Btf { get; }

        public IReadOnlyList<ObjectProgram> Programs { get; }

        public IReadOnlyList<ObjectMap> Maps { get; }

        public IReadOnlyList<ObjectVariable> Variables { get; }

        /// <summary>The record types the C side names with NECTAR_RING_RECORD, in declaration order.</summary>
        public IReadOnlyList<ObjectRingRecord> RingRecords { get; }

        public static ObjectContents Read(string path)
        {
            byte[] file;
            try
            {
                // See BtfStamp: binary inputs are read by path, cached by stamp.
#pragma warning disable RS1035
                file = File.ReadAllBytes(path);
#pragma warning restore RS1035
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BtfException($"Cannot read the BPF object '{path}': {e.Message}");
            }
            return Parse(file, path);
        }

        /// <summary>Reads an object's image; <paramref name="name"/> is for messages. Bad input throws <see cref="BtfException"/> only.</summary>
        public static ObjectContents Parse(byte[] file, string name)
        {
            if (!ElfFile.IsElf(file))
                throw new BtfException($"'{name}' is not an ELF file; [BpfObject] takes a BPF object compiled with clang -g -target bpf.");
            byte[] btfBytes = Nectar.Btf.Btf.SectionOf(file, name, ".BTF")
                ?? throw new BtfException($"'{name}' has no .BTF section; compile it with clang -g.");
            Btf.Btf btf = Nectar.Btf.Btf.Parse(btfBytes);
            byte[]? ext = Nectar.Btf.Btf.SectionOf(file, name, ".BTF.ext");
            var variables = ReadVariables(btf, out var ringRecords);
            return new ObjectContents(btf, ext == null ? Array.Empty<ObjectProgram>() : ReadPrograms(btf, ext), ReadMaps(btf), variables, ringRecords);
        }

        /// <summary>
        /// The object's programs: the functions .BTF.ext's func_info places in code sections, except
        /// .text, whose subprograms are called, never loaded on their own.
        /// </summary>
        private static IReadOnlyList<ObjectProgram> ReadPrograms(Btf.Btf btf, byte[] ext)
        {
            var programs = new List<ObjectProgram>();
            foreach (BtfExtSection<BtfFuncInfo> section in BtfExt.Parse(ext, btf).FuncInfo)
            {
                if (section.SectionName == ".text") continue;
                foreach (BtfFuncInfo info in section.Records)
                {
                    BtfType func = btf.GetType(info.TypeId);
                    if (func.Kind != BtfKind.Func)
                        throw new BtfException($".BTF.ext names {func} as a function of section '{section.SectionName}'; it is not a FUNC.");
                    // A static function is a subprogram wherever it lives (a callback in a code section
                    // of its own), as the runtime's loader decides.
                    if (func.FuncLinkage == StaticLinkage) continue;
                    programs.Add(new ObjectProgram(func.Name, section.SectionName, func.Id));
                }
            }
            return programs;
        }

        private static IReadOnlyList<ObjectMap> ReadMaps(Btf.Btf btf)
        {
            var maps = new List<ObjectMap>();
            if (btf.FindByName(".maps", BtfKind.Datasec) is not { } section) return maps;
            foreach (BtfVarSecInfo entry in section.DatasecVars)
            {
                BtfType variable = btf.GetType(entry.TypeId);
                if (variable.Kind != BtfKind.Var) continue;
                BtfType definition = btf.SkipModifiersAndTypedefs(variable.TypeId);
                if (!definition.IsComposite) continue;
                uint type = 0, maxEntries = 0, key = 0, value = 0;
                foreach (BtfMember member in definition.Members)
                {
                    // __uint(name, N) is "int (*name)[N]"; __type(name, T) is "T *name".
                    BtfType pointer = btf.SkipModifiersAndTypedefs(member.TypeId);
                    if (pointer.Kind != BtfKind.Ptr) continue;
                    BtfType target = btf.SkipModifiers(pointer.TypeId);
                    switch (member.Name)
                    {
                        case "type": type = target.Kind == BtfKind.Array ? target.Array.Count : 0; break;
                        case "max_entries": maxEntries = target.Kind == BtfKind.Array ? target.Array.Count : 0; break;
                        case "key": key = pointer.TypeId; break;
                        case "value": value = pointer.TypeId; break;
                    }
                }
                maps.Add(new ObjectMap(variable.Name, (MapType)type, maxEntries, key, value));
            }
            return maps;
        }

        private static IReadOnlyList<ObjectVariable> ReadVariables(Btf.Btf btf, out IReadOnlyList<ObjectRingRecord> ringRecords)
        {
            var variables = new List<ObjectVariable>();
            var records = new List<ObjectRingRecord>();
            ringRecords = records;
            foreach (BtfType section in btf.Types)
            {
                if (section.Kind != BtfKind.Datasec || !IsDataSection(section.Name)) continue;
                foreach (BtfVarSecInfo entry in section.DatasecVars)
                {
                    BtfType variable = btf.GetType(entry.TypeId);
                    // Global (BTF_VAR_GLOBAL_ALLOCATED) variables only: static ones are the program's own
                    // (bpf_printk's format strings among them) and their ELF symbols are renamed.
                    if (variable.Kind != BtfKind.Var || variable.Name.Length == 0 || variable.VarLinkage != GlobalLinkage) continue;
                    // NECTAR_RING_RECORD's __nectar_record_<map> pointers (bpf/include/nectar_ring.h) hold
                    // no data, so they are no skeleton property: they name a ring buffer's record type.
                    if (variable.Name.StartsWith(RingRecordMarkerPrefix, StringComparison.Ordinal))
                    {
                        BtfType pointer = btf.SkipModifiersAndTypedefs(variable.TypeId);
                        if (pointer.Kind == BtfKind.Ptr)
                            records.Add(new ObjectRingRecord(variable.Name.Substring(RingRecordMarkerPrefix.Length), pointer.TypeId));
                    }
                    else
                    {
                        variables.Add(new ObjectVariable(variable.Name, section.Name, variable.TypeId));
                    }
                }
            }
            return variables;
        }

        /// <summary>NECTAR_RING_RECORD_PREFIX of bpf/include/nectar_ring.h.</summary>
        private const string RingRecordMarkerPrefix = "__nectar_record_";

        private static bool IsDataSection(string name) =>
            name == ".data" || name == ".rodata" || name == ".bss" ||
            name.StartsWith(".data.", StringComparison.Ordinal) || name.StartsWith(".rodata.", StringComparison.Ordinal);
    }
}
