using System;
using System.Collections.Generic;
using Nectar.Btf;
using Nectar.Elf;

namespace Nectar.Maps;

/// <summary>
/// Reads BTF-defined maps: each variable of the object's `.maps` DATASEC is a struct whose members
/// encode the definition as libbpf's macros write it. __uint(name, N) is `int (*name)[N]` (the
/// number is the array's length); __type(name, T) is `T *name` (the pointee gives size and BTF id).
/// </summary>
internal static partial class BtfMapDefinitions
{
    internal static IEnumerable<MapSpec> Read(Btf.Btf btf, string objectName)
    {
        if (btf.FindByName(".maps", BtfKind.Datasec) is not { } datasec)
            yield break;
        foreach (var variable in datasec.DatasecVars)
        {
            var var = btf.GetType(variable.TypeId);
            if (var.Kind != BtfKind.Var)
                throw new ElfException($"{objectName}: entry {var} of the .maps section is not a variable.");
            yield return Read(btf, var.Name, var.TypeId, objectName);
        }
    }

    private static MapSpec Read(Btf.Btf btf, string name, uint typeId, string objectName, bool isInner = false)
    {
        var definition = btf.SkipModifiersAndTypedefs(typeId);
        string where = $"{objectName}: map '{name}'";
        if (definition.Kind != BtfKind.Struct)
            throw new ElfException($"{where} is a {definition.Kind}, not a struct of __uint/__type members as libbpf defines maps in .maps.");
        MapType type = MapType.Unspecified;
        uint keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, numaNode = 0, keyTypeId = 0, valueTypeId = 0;
        var pinning = MapPinning.None;
        MapAttributes? innerMap = null;
        var members = definition.Members;
        foreach (var member in members)
        {
            switch (member.Name)
            {
                case "type": type = (MapType)Number(btf, member, where); break;
                case "max_entries": maxEntries = Number(btf, member, where); break;
                case "map_flags": flags = Number(btf, member, where); break;
                case "numa_node": numaNode = Number(btf, member, where); break;
                case "key_size": keySize = Number(btf, member, where); break;
                case "value_size": valueSize = Number(btf, member, where); break;
                case "pinning":
                    uint pin = Number(btf, member, where);
                    pinning = pin <= 1 ? (MapPinning)pin : throw new ElfException($"{where} has pinning {pin}; only LIBBPF_PIN_NONE (0) and LIBBPF_PIN_BY_NAME (1) exist.");
                    break;
                case "key": (keyTypeId, keySize) = Pointee(btf, member, where); break;
                case "value": (valueTypeId, valueSize) = Pointee(btf, member, where); break;
                case "values":
                    (valueSize, innerMap) = ReadValues(btf, name, member, member.Equals(members[members.Count - 1]), type, valueSize, isInner, objectName);
                    break;
                default:
                    throw new ElfException($"{where} has member '{member.Name}', which libbpf's map definitions do not have (expected type, key, value, key_size, value_size, max_entries, map_flags, numa_node, pinning).");
            }
        }
        if (type == MapType.Unspecified)
            throw new ElfException($"{where} has no type; declare it with __uint(type, BPF_MAP_TYPE_...).");
        var spec = new MapAttributes(name, type, keySize, valueSize, maxEntries)
        {
            Flags = (MapFlags)flags,
            NumaNode = numaNode,
            BtfKeyTypeId = keyTypeId,
            BtfValueTypeId = valueTypeId,
            InnerMap = innerMap,
        };
        return new MapSpec(name, spec, MapOrigin.BtfDefined) { Pinning = pinning };
    }

    /// <summary>__uint(name, N): a pointer to an array of N ints.</summary>
    private static uint Number(Btf.Btf btf, BtfMember member, string where)
    {
        var pointer = btf.SkipModifiersAndTypedefs(member.TypeId);
        var array = pointer.Kind == BtfKind.Ptr ? btf.SkipModifiersAndTypedefs(pointer.TypeId) : pointer;
        if (pointer.Kind != BtfKind.Ptr || array.Kind != BtfKind.Array)
            throw new ElfException($"{where}: member '{member.Name}' is not written as __uint({member.Name}, N).");
        return array.Array.Count;
    }

    /// <summary>__type(name, T): a pointer to T, whose size and BTF id describe the key or value.</summary>
    private static (uint TypeId, uint Size) Pointee(Btf.Btf btf, BtfMember member, string where)
    {
        var pointer = btf.SkipModifiersAndTypedefs(member.TypeId);
        if (pointer.Kind != BtfKind.Ptr)
            throw new ElfException($"{where}: member '{member.Name}' is not written as __type({member.Name}, T).");
        return (pointer.TypeId, btf.SizeOf(pointer.TypeId));
    }
}
