using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Nectar.Btf;

/// <summary>
/// A line per type and a tab-indented line per member, parameter, enumerator or section variable,
/// in exactly the layout of <c>bpftool btf dump file X format raw</c>, so the two can be compared
/// line by line (and so people who know bpftool's output can read Nectar's).
/// </summary>
public static class BtfTextDump
{
    /// <summary>Writes <paramref name="ids"/> (default: the types this blob defines, not a split BTF's base).</summary>
    public static void Write(Btf btf, TextWriter output, IEnumerable<uint>? ids = null)
    {
        if (ids is null)
        {
            for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
                WriteType(btf, btf.GetType(id), output);
        }
        else
        {
            foreach (uint id in ids)
                WriteType(btf, btf.GetType(id), output);
        }
    }

    /// <summary>The text of one type, its member lines included, without the trailing newline.</summary>
    public static string Describe(Btf btf, uint id)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteType(btf, btf.GetType(id), text);
        return text.ToString().TrimEnd('\n');
    }

    private static void WriteType(Btf btf, BtfType t, TextWriter o)
    {
        o.Write(FormattableString.Invariant($"[{t.Id}] {KindName(t.Kind)} '{NameOf(btf, t.NameOffset)}'"));
        switch (t.Kind)
        {
            case BtfKind.Int:
                o.Write(FormattableString.Invariant($" size={t.Size} bits_offset={t.IntOffset} nr_bits={t.IntBits} encoding={IntEncodingName(t.IntEncoding)}"));
                break;
            case BtfKind.Ptr or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.Typedef or BtfKind.TypeTag:
                o.Write(FormattableString.Invariant($" type_id={t.TypeId}"));
                break;
            case BtfKind.Array:
                var array = t.Array;
                o.Write(FormattableString.Invariant($" type_id={array.ElementTypeId} index_type_id={array.IndexTypeId} nr_elems={array.Count}"));
                break;
            case BtfKind.Struct or BtfKind.Union:
                o.Write(FormattableString.Invariant($" size={t.Size} vlen={t.Vlen}"));
                for (int i = 0; i < t.Vlen; i++)
                {
                    // bpftool prints the raw encoding: kind_flag=0 members show no bitfield_size even when their int type is narrow.
                    uint nameOffset = t.GetMemberNameOffset(i);
                    uint raw = t.GetMemberRawOffset(i);
                    uint bitOffset = t.KindFlag ? raw & 0xFF_FFFF : raw;
                    uint bitfield = t.KindFlag ? raw >> 24 : 0;
                    o.Write(FormattableString.Invariant($"\n\t'{NameOf(btf, nameOffset)}' type_id={t.GetMemberTypeId(i)} bits_offset={bitOffset}"));
                    if (bitfield != 0)
                        o.Write(FormattableString.Invariant($" bitfield_size={bitfield}"));
                }
                break;
            case BtfKind.Enum or BtfKind.Enum64:
                o.Write(FormattableString.Invariant($" encoding={(t.KindFlag ? "SIGNED" : "UNSIGNED")} size={t.Size} vlen={t.Vlen}"));
                foreach (var value in t.EnumValues)
                {
                    string number = t.Kind == BtfKind.Enum
                        ? value.Value.ToString(CultureInfo.InvariantCulture)
                        : t.KindFlag ? value.Value.ToString(CultureInfo.InvariantCulture) + "LL" : unchecked((ulong)value.Value).ToString(CultureInfo.InvariantCulture) + "ULL";
                    o.Write($"\n\t'{(value.Name.Length == 0 ? "(anon)" : value.Name)}' val={number}");
                }
                break;
            case BtfKind.Fwd:
                o.Write(t.IsForwardUnion ? " fwd_kind=union" : " fwd_kind=struct");
                break;
            case BtfKind.Func:
                o.Write(FormattableString.Invariant($" type_id={t.TypeId} linkage={LinkageName((uint)t.Vlen)}"));
                break;
            case BtfKind.FuncProto:
                o.Write(FormattableString.Invariant($" ret_type_id={t.TypeId} vlen={t.Vlen}"));
                foreach (var parameter in t.Params)
                    o.Write(FormattableString.Invariant($"\n\t'{(parameter.Name.Length == 0 ? "(anon)" : parameter.Name)}' type_id={parameter.TypeId}"));
                break;
            case BtfKind.Var:
                o.Write(FormattableString.Invariant($" type_id={t.TypeId}, linkage={LinkageName(t.VarLinkage)}"));
                break;
            case BtfKind.Datasec:
                o.Write(FormattableString.Invariant($" size={t.Size} vlen={t.Vlen}"));
                foreach (var variable in t.DatasecVars)
                {
                    var target = btf.GetType(variable.TypeId);
                    o.Write(FormattableString.Invariant($"\n\ttype_id={variable.TypeId} offset={variable.Offset} size={variable.Size} ({KindName(target.Kind)} '{NameOf(btf, target.NameOffset)}')"));
                }
                break;
            case BtfKind.Float:
                o.Write(FormattableString.Invariant($" size={t.Size}"));
                break;
            case BtfKind.DeclTag:
                o.Write(FormattableString.Invariant($" type_id={t.TypeId} component_idx={t.DeclTagComponentIndex}"));
                break;
        }
        o.Write('\n');
    }

    private static string NameOf(Btf btf, uint offset) => offset == 0 ? "(anon)" : btf.GetString(offset);

    /// <summary>The kind's name as the kernel and bpftool spell it (FUNC_PROTO, DECL_TAG...).</summary>
    public static string KindName(BtfKind kind) => kind switch
    {
        BtfKind.Void => "UNKN",
        BtfKind.FuncProto => "FUNC_PROTO",
        BtfKind.DeclTag => "DECL_TAG",
        BtfKind.TypeTag => "TYPE_TAG",
        _ => kind.ToString().ToUpperInvariant(),
    };

    private static string IntEncodingName(BtfIntEncoding encoding) => encoding switch
    {
        BtfIntEncoding.None => "(none)",
        BtfIntEncoding.Signed => "SIGNED",
        BtfIntEncoding.Char => "CHAR",
        BtfIntEncoding.Bool => "BOOL",
        _ => "UNKN",
    };

    private static string LinkageName(uint linkage) => linkage switch
    {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    };
}
