using System;
using Nectar.Btf;
using Nectar.Elf;

namespace Nectar.Maps;

/// <summary>
/// The `values` member of a BTF-defined map, as libbpf's __array(values, T) writes it: a
/// zero-length array of pointers to T (`typeof(T) *values[]`). For a program array T is a
/// function prototype (the slots hold programs); for a map of maps T is itself a map definition,
/// the inner map every slot must match. The slots the static initializer fills are read from the
/// `.rel.maps` relocations, not here (see MapSlotRelocations).
/// </summary>
internal static partial class BtfMapDefinitions
{
    /// <summary>The suffix libbpf gives an inner map definition's name: the outer map's name + ".inner".</summary>
    internal const string InnerSuffix = ".inner";

    /// <returns>The value size the map must have (4: a program or map fd) and, for maps of maps, the inner map.</returns>
    private static (uint ValueSize, MapAttributes? InnerMap) ReadValues(
        Btf.Btf btf, string name, BtfMember member, bool isLast, MapType type, uint valueSize, bool isInner, string objectName)
    {
        string where = $"{objectName}: map '{name}'";
        if (isInner)
            throw new ElfException($"{where} (an inner map definition) declares 'values' itself; a map of maps of maps cannot be declared. Give the inner definition no __array(values, ...).");
        if (!isLast)
            throw new ElfException($"{where}: the 'values' member must be the last of the definition, as libbpf requires (its initializer runs past the struct). Move __array(values, ...) to the end.");
        bool isProgArray = type == MapType.ProgArray;
        bool isMapOfMaps = type is MapType.ArrayOfMaps or MapType.HashOfMaps;
        if (!isProgArray && !isMapOfMaps)
        {
            string declared = type == MapType.Unspecified ? "has no type before it" : $"is a {type} map";
            throw new ElfException($"{where} declares 'values' but {declared}; only BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS take __array(values, ...). Declare __uint(type, ...) first, as one of those.");
        }
        if (valueSize != 0 && valueSize != 4)
            throw new ElfException($"{where} declares value_size {valueSize}, but the slots of a {type} map hold a 4-byte fd. Remove value_size (Nectar sets 4).");

        var array = btf.SkipModifiersAndTypedefs(member.TypeId);
        if (array.Kind != BtfKind.Array || array.Array.Count != 0)
            throw new ElfException($"{where}: member 'values' is {Describe(array)}, not the zero-length array of pointers that __array(values, T) writes. Declare it with __array(values, ...).");
        var pointer = btf.SkipModifiersAndTypedefs(array.Array.ElementTypeId);
        if (pointer.Kind != BtfKind.Ptr)
            throw new ElfException($"{where}: member 'values' is an array whose elements are {Describe(pointer)}, not the pointers that __array(values, T) writes. Declare it with __array(values, ...).");
        var target = btf.SkipModifiersAndTypedefs(pointer.TypeId);
        if (isProgArray)
        {
            return target.Kind == BtfKind.FuncProto
                ? (4, null)
                : throw new ElfException($"{where} is a program array, so its values are programs: declare them as a function type, __array(values, int (void *)), not {Describe(target)}.");
        }
        if (target.Kind != BtfKind.Struct)
            throw new ElfException($"{where} is a map of maps whose inner map definition is {Describe(target)}, not a struct. Declare the inner map as libbpf does: __array(values, struct {{ __uint(type, ...); __uint(max_entries, ...); __type(key, ...); __type(value, ...); }}).");
        var inner = Read(btf, name + InnerSuffix, pointer.TypeId, objectName, isInner: true);
        return (4, inner.Attributes);
    }

    /// <summary>A BTF type in words, with its article: "an integer type ('int')", "a pointer".</summary>
    private static string Describe(BtfType type)
    {
        string kind = type.Kind switch
        {
            BtfKind.Int => "an integer type",
            BtfKind.Struct => "a struct",
            BtfKind.Union => "a union",
            BtfKind.Enum or BtfKind.Enum64 => "an enum",
            BtfKind.Ptr => "a pointer",
            BtfKind.Array => "an array",
            BtfKind.FuncProto => "a function type",
            BtfKind.Float => "a floating-point type",
            BtfKind.Fwd => "an undefined (forward-declared) type",
            _ => $"a {type.Kind}",
        };
        return type.Name.Length > 0 ? $"{kind} ('{type.Name}')" : kind;
    }
}
