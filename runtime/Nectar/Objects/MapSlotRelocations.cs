using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>
/// Reads the static initializers of program arrays and maps of maps:
/// `.values = { [2] = &amp;prog, ... }` compiles to a zero pointer in the map's variable (after the
/// definition struct, one 8-byte slot per index) plus a `.rel.maps` relocation naming the target
/// symbol. The relocation's offset, less the map variable's offset and the offset of its 'values'
/// member, divided by the 8 bytes of a BPF pointer, is the slot index.
/// </summary>
internal static class MapSlotRelocations
{
    private const int PointerSize = 8;

    internal static void Read(BpfObjectSpec spec)
    {
        if (spec.Elf.FindSection(".maps") is not { } section || spec.Btf is null)
            return;
        var mapSymbols = spec.Elf.Symbols
            .Where(s => s.SectionIndex == section.Index && s.Type == ElfSymbolType.Object && s.Name.Length > 0)
            .ToList();
        var slots = new Dictionary<string, SortedDictionary<uint, MapSlot>>(StringComparer.Ordinal);
        foreach (var relocation in spec.Elf.RelocationsFor(section))
        {
            var map = mapSymbols.FirstOrDefault(s => s.Value <= relocation.Offset && relocation.Offset - s.Value + PointerSize <= s.Size)
                ?? throw new ElfException($"{spec.Name}: a .rel.maps relocation (to '{relocation.Symbol.Name}', offset {relocation.Offset}) lies in no map variable of section '.maps'.");
            if (!spec.Maps.TryGetValue(map.Name, out var definition))
                throw new ElfException($"{spec.Name}: a .rel.maps relocation lies in '{map.Name}', which is not a BTF-defined map.");
            uint slot = SlotIndex(spec, map, relocation);
            string target = Target(spec, definition, slot, relocation.Symbol);
            if (slot >= definition.Attributes.MaxEntries)
            {
                throw new ElfException($"{spec.Name}: map '{map.Name}' stores '{target}' in slot {slot}, but it has max_entries {definition.Attributes.MaxEntries} " +
                    $"(slots 0 to {(long)definition.Attributes.MaxEntries - 1}). Raise __uint(max_entries, ...) to at least {(ulong)slot + 1} or use a lower index.");
            }
            // The slot index is the key the loader stores under, as libbpf does: a 4-byte integer.
            if (definition.Attributes.KeySize != sizeof(uint))
            {
                throw new ElfException($"{spec.Name}: map '{map.Name}' stores '{target}' in slot {slot}, but its keys are {definition.Attributes.KeySize} bytes; " +
                    "an initializer's slot index is a 4-byte key. Declare __type(key, __u32) (or __uint(key_size, 4)), or fill the map at run time with BpfMap.Update.");
            }
            if (!slots.TryGetValue(map.Name, out var ofMap))
                slots[map.Name] = ofMap = [];
            ofMap[slot] = new MapSlot(slot, target);
        }
        foreach (var ofMap in slots)
            spec.Maps[ofMap.Key].InitialSlots = [.. ofMap.Value.Values];
    }

    /// <summary>Which slot of the map's 'values' array the relocation fills.</summary>
    private static uint SlotIndex(BpfObjectSpec spec, ElfSymbol map, ElfRelocation relocation)
    {
        string where = $"{spec.Name}: map '{map.Name}'";
        ulong valuesOffset = ValuesOffset(spec.Btf!, map.Name)
            ?? throw new ElfException($"{where} has a .rel.maps relocation (to '{relocation.Symbol.Name}') but no 'values' member as its last member; initialize only maps declared with __array(values, ...).");
        ulong within = relocation.Offset - map.Value;
        if (within < valuesOffset || (within - valuesOffset) % PointerSize != 0)
            throw new ElfException($"{where} has a .rel.maps relocation (to '{relocation.Symbol.Name}') at byte {within} of its definition, which is not a slot of its 'values' (from byte {valuesOffset}, 8 bytes each).");
        ulong slot = (within - valuesOffset) / PointerSize;
        return slot <= uint.MaxValue ? (uint)slot : throw new ElfException($"{where}: slot {slot} is past any possible max_entries.");
    }

    /// <summary>The byte offset of the 'values' member in the map's definition struct, when it is the last member.</summary>
    private static ulong? ValuesOffset(Btf.Btf btf, string mapName)
    {
        if (btf.FindByName(".maps", BtfKind.Datasec) is not { } datasec)
            return null;
        foreach (var variable in datasec.DatasecVars)
        {
            var var = btf.GetType(variable.TypeId);
            if (var.Kind != BtfKind.Var || var.Name != mapName)
                continue;
            var definition = btf.SkipModifiersAndTypedefs(var.TypeId);
            if (definition.Kind != BtfKind.Struct || definition.Members.Count == 0)
                return null;
            var last = definition.Members[definition.Members.Count - 1];
            return last.Name == "values" ? last.ByteOffset : null;
        }
        return null;
    }

    /// <summary>The program (program arrays) or map (maps of maps) the slot names, checked to be one.</summary>
    private static string Target(BpfObjectSpec spec, MapSpec definition, uint slot, ElfSymbol symbol)
    {
        string where = $"{spec.Name}: slot {slot} of map '{definition.Name}'";
        string what = Describe(spec, symbol);
        switch (definition.Attributes.Type)
        {
            case MapType.ProgArray:
                bool isEntryPoint = symbol.Type == ElfSymbolType.Function && spec.Programs.TryGetValue(symbol.Name, out var program)
                    && program.Layout.Count > 0 && program.Layout[0].Function.Section.Index == symbol.SectionIndex
                    && (ulong)program.Layout[0].Function.Start * 8 == symbol.Value;
                return isEntryPoint
                    ? symbol.Name
                    : throw new ElfException($"{where} names {what}, not a program: a program array holds programs with a SEC(\"...\") of the object. Store &program there, or remove the entry.");
            case MapType.ArrayOfMaps or MapType.HashOfMaps:
                bool isMap = symbol.Type == ElfSymbolType.Object && symbol.SectionIndex == spec.Elf.FindSection(".maps")?.Index
                    && spec.Maps.ContainsKey(symbol.Name);
                return isMap
                    ? symbol.Name
                    : throw new ElfException($"{where} names {what}, not a map: a map of maps holds maps defined in SEC(\".maps\") of the object. Store &map there, or remove the entry.");
            default:
                throw new ElfException($"{where} is initialized (to {what}), but a {definition.Attributes.Type} map has no slots to initialize; only program arrays and maps of maps do.");
        }
    }

    private static string Describe(BpfObjectSpec spec, ElfSymbol symbol)
    {
        string section = symbol.SectionIndex < spec.Elf.Sections.Count ? spec.Elf.Sections[symbol.SectionIndex].Name : $"section #{symbol.SectionIndex}";
        string kind = symbol.Type switch
        {
            ElfSymbolType.Function when section == ".text" => "the subprogram",
            ElfSymbolType.Function => "the function",
            ElfSymbolType.Object => "the variable",
            _ => "the symbol",
        };
        return symbol.Name.Length > 0 ? $"{kind} '{symbol.Name}' (in section '{section}')" : $"an unnamed location in section '{section}'";
    }
}
