using System.Buffers.Binary;
using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// Makes the extern parts of an object's BTF acceptable to the kernel, as libbpf does. clang
/// describes externs as VARs and FUNCs of "extern" linkage in DATASECs of size 0 (.kconfig,
/// .ksyms), all at offset 0; the kernel takes neither extern linkage nor FUNCs in a DATASEC. So:
/// .kconfig gets the .kconfig map's size and each VAR its offset there (the map's value type is
/// that DATASEC); in .ksyms every entry becomes a 4-byte int VAR of its own slot, the FUNCs there
/// replaced by one added VAR and given global linkage, with names for their unnamed parameters.
/// Type ids do not move: the one or two added records go after the last type.
/// </summary>
internal static class ExternBtf
{
    private const int RecordLength = 12;
    private const uint GlobalLinkage = 1;

    internal static byte[] Prepare(Btf.Btf btf, byte[] bytes, IReadOnlyList<BpfExtern> externs)
    {
        if (externs.Count == 0)
            return bytes;
        var byName = externs.ToDictionary(e => e.Name, StringComparer.Ordinal);
        uint nextId = btf.LastTypeId + 1;
        var added = new List<byte[]>();
        uint? intType = null, dummyVar = null;

        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            var section = btf.GetType(id);
            if (section.Kind != BtfKind.Datasec || section.Name is not (ExternReader.KconfigSection or ExternReader.KsymsSection))
                continue;
            int record = btf.RecordOffset(id);
            var entries = section.DatasecVars;
            if (section.Name == ExternReader.KconfigSection)
            {
                uint size = 0;
                for (int i = 0; i < entries.Count; i++)
                {
                    var variable = btf.GetType(entries[i].TypeId);
                    if (!byName.TryGetValue(variable.Name, out var e) || variable.Kind != BtfKind.Var)
                        continue;
                    Write(bytes, record + RecordLength + 12 * i + 4, (uint)e.Offset);
                    Write(bytes, btf.RecordOffset(variable.Id) + RecordLength, GlobalLinkage);
                    size = Math.Max(size, (uint)(e.Offset + e.Size));
                }
                Write(bytes, record + 8, size);
                continue;
            }

            for (int i = 0; i < entries.Count; i++)
            {
                var declaration = btf.GetType(entries[i].TypeId);
                int entry = record + RecordLength + 12 * i;
                intType ??= FindInt(btf) ?? Add(added, ref nextId, IntRecord(declaration.NameOffset));
                if (declaration.Kind == BtfKind.Func)
                {
                    dummyVar ??= Add(added, ref nextId, VarRecord(declaration.NameOffset, intType.Value));
                    Write(bytes, entry, dummyVar.Value);
                    int func = btf.RecordOffset(declaration.Id);
                    Write(bytes, func + 4, ((uint)BtfKind.Func << 24) | GlobalLinkage);
                    NameParameters(btf, bytes, declaration);
                }
                else if (declaration.Kind == BtfKind.Var)
                {
                    int variable = btf.RecordOffset(declaration.Id);
                    Write(bytes, variable + 8, intType.Value);
                    Write(bytes, variable + RecordLength, GlobalLinkage);
                }
                Write(bytes, entry + 4, (uint)(4 * i));
                Write(bytes, entry + 8, 4);
            }
            Write(bytes, record + 8, (uint)(4 * entries.Count));
        }
        return added.Count == 0 ? bytes : Append(bytes, added);
    }

    /// <summary>The kernel wants every parameter of a FUNC's prototype named; unnamed ones borrow the function's name.</summary>
    private static void NameParameters(Btf.Btf btf, byte[] bytes, BtfType function)
    {
        var prototype = btf.GetType(function.TypeId);
        if (prototype.Kind != BtfKind.FuncProto)
            return;
        int record = btf.RecordOffset(prototype.Id);
        var parameters = prototype.Params;
        for (int i = 0; i < parameters.Count; i++)
        {
            int parameter = record + RecordLength + 8 * i;
            // btf_param { name_off, type }: type 0 is the "..." of a variadic function, which stays unnamed.
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(parameter)) == 0 && parameters[i].TypeId != 0)
                Write(bytes, parameter, function.NameOffset);
        }
    }

    private static uint? FindInt(Btf.Btf btf)
    {
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            var type = btf.GetType(id);
            if (type.Kind == BtfKind.Int && type.Size == 4 && type.IntBits == 32 && type.IntOffset == 0)
                return id;
        }
        return null;
    }

    private static uint Add(List<byte[]> added, ref uint nextId, byte[] record)
    {
        added.Add(record);
        return nextId++;
    }

    /// <summary>INT: name, info, size 4, then encoding 0, offset 0, 32 bits.</summary>
    private static byte[] IntRecord(uint name) => Record(name, (uint)BtfKind.Int << 24, 4, 32);

    /// <summary>VAR: name, info, type, then linkage global.</summary>
    private static byte[] VarRecord(uint name, uint type) => Record(name, (uint)BtfKind.Var << 24, type, GlobalLinkage);

    private static byte[] Record(params uint[] words)
    {
        var record = new byte[4 * words.Length];
        for (int i = 0; i < words.Length; i++)
            Write(record, 4 * i, words[i]);
        return record;
    }

    /// <summary>Inserts records at the end of the type section, moving the string section behind them when it follows.</summary>
    private static byte[] Append(byte[] bytes, List<byte[]> records)
    {
        int headerLength = (int)Read(bytes, 4);
        uint typeOffset = Read(bytes, 8), typeLength = Read(bytes, 12), stringOffset = Read(bytes, 16);
        int at = headerLength + (int)(typeOffset + typeLength);
        int extra = records.Sum(r => r.Length);
        var result = new byte[bytes.Length + extra];
        bytes.AsSpan(0, at).CopyTo(result);
        int cursor = at;
        foreach (var record in records)
        {
            record.CopyTo(result, cursor);
            cursor += record.Length;
        }
        bytes.AsSpan(at).CopyTo(result.AsSpan(cursor));
        Write(result, 12, typeLength + (uint)extra);
        if (stringOffset >= typeOffset + typeLength)
            Write(result, 16, stringOffset + (uint)extra);
        return result;
    }

    private static uint Read(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    private static void Write(byte[] bytes, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
}
