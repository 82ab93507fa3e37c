using System.Buffers.Binary;
using System.Text;
using Nectar.Btf;
using Nectar.Dwarf;
using Nectar.Elf;

namespace Nectar.Tool;

/// <summary>
/// Renders ring and perf buffer records for `nectar trace`: field by field when the object names the
/// ring's record type with NECTAR_RING_RECORD (bpf/include/nectar_ring.h: a global
/// `__nectar_record_MAP` pointing to it) or the command line does (--record MAP=STRUCT) and that struct is simple (integers, enums, pointers, and
/// arrays of those or of char) and no larger than the record; otherwise as hex. A struct --record
/// names that the BTF lacks (clang's BTF keeps only the types of globals and functions, so a
/// record held in a local variable is often missing) is read from the object's DWARF (-g).
/// </summary>
/// <param name="declared">The record type each ring names with NECTAR_RING_RECORD, as the object model reads them (<see cref="Programs.BpfObjectSpec.RingRecords"/>), type ids in <paramref name="btf"/>.</param>
internal sealed class BtfRecordPrinter(Btf.Btf? btf, ElfFile? elf = null, string origin = "the object", IEnumerable<(string Map, uint TypeId)>? declared = null)
{
    private readonly Dictionary<string, uint> _declared = (declared ?? []).DistinctBy(d => d.Map).ToDictionary(d => d.Map, d => d.TypeId, StringComparer.Ordinal);

    /// <summary>How many bytes of a record the hex form shows before cutting it (the full length is stated).</summary>
    public const int HexBytesShown = 64;

    // Each ring's record type with the BTF it belongs to: the object's, or one rebuilt from DWARF.
    private readonly Dictionary<string, (Btf.Btf Btf, BtfType Type)?> _recordTypes = new(StringComparer.Ordinal);
    private DwarfReader? _dwarf;

    /// <summary>
    /// Names the struct a map's records are (`nectar trace --record MAP=STRUCT`), for objects
    /// written for libbpf, which do not use NECTAR_RING_RECORD. Throws <see cref="ArgumentException"/>
    /// when the object's BTF has no such struct or it is not one the printer can show field by field.
    /// </summary>
    public void UseRecordType(string map, string structName)
    {
        var found = btf is null ? null : btf.FindByName(structName, BtfKind.Struct) ??
            (btf.FindByName(structName, BtfKind.Typedef) is { } alias && btf.SkipModifiersAndTypedefs(alias.TypeId) is { Kind: BtfKind.Struct } aliased ? aliased : null);
        var record = found is { } inBtf ? ((Btf.Btf, BtfType)?)(btf!, inBtf) : FromDwarf(map, structName);
        if (record is not { } r)
            throw new ArgumentException(btf is null && elf?.FindSection(".debug_info") is null
                ? $"--record {map}={structName}: the object has neither BTF nor DWARF (compile it with clang -g), so struct {structName} is unknown."
                : $"--record {map}={structName}: the object has no struct '{structName}' in its BTF or its DWARF (bpftool btf dump file OBJECT and llvm-dwarfdump OBJECT list its types).");
        if (!IsSimple(r.Item1, r.Item2))
            throw new ArgumentException($"--record {map}={structName}: struct {structName} has members other than integers, enums, pointers and arrays of them (or bitfields), which the printer cannot show; omit --record to print hex.");
        _recordTypes[map] = r;
    }

    /// <summary>The struct from the object's DWARF, as BTF; null when there is no DWARF or no such struct.</summary>
    private (Btf.Btf, BtfType)? FromDwarf(string map, string structName)
    {
        if (elf is null)
            return null;
        try
        {
            _dwarf ??= DwarfReader.FromElf(elf, origin);
            return _dwarf is null ? null : DwarfTypes.FindStruct(_dwarf, structName, origin);
        }
        catch (DwarfException e)
        {
            throw new ArgumentException($"--record {map}={structName}: {e.Message}", e);
        }
    }

    public string Format(string ring, ReadOnlySpan<byte> record)
        => RecordOf(ring) is { } r && r.Type.Size <= record.Length ? FormatStruct(r.Btf, r.Type, record) : FormatHex(record);

    /// <summary>The struct a ring's records are, as NECTAR_RING_RECORD or --record declared it; null when undeclared or not simple.</summary>
    public BtfType? RecordTypeOf(string ring) => RecordOf(ring)?.Type;

    private (Btf.Btf Btf, BtfType Type)? RecordOf(string ring)
    {
        if (!_recordTypes.TryGetValue(ring, out var found))
        {
            found = null;
            if (btf is not null && _declared.TryGetValue(ring, out uint typeId)
                && btf.SkipModifiersAndTypedefs(typeId) is { Kind: BtfKind.Struct } record
                && IsSimple(btf, record))
                found = (btf, record);
            _recordTypes[ring] = found;
        }
        return found;
    }

    /// <summary>
    /// "N bytes: 0a1b..." on one line; a record longer than <see cref="HexBytesShown"/> bytes is cut
    /// there ("... (8192 bytes in all)") so that an 8 KiB record is not a 16,000-character line.
    /// </summary>
    public static string FormatHex(ReadOnlySpan<byte> record) => record.Length <= HexBytesShown
        ? $"{record.Length} bytes: {Convert.ToHexString(record).ToLowerInvariant()}"
        : $"{record.Length} bytes: {Convert.ToHexString(record[..HexBytesShown]).ToLowerInvariant()}... ({record.Length} bytes in all, first {HexBytesShown} shown)";

    private static bool IsSimple(Btf.Btf btf, BtfType composite) => composite.Members.All(m => !m.IsBitfield && IsSimpleField(btf, btf.SkipModifiersAndTypedefs(m.TypeId)));

    private static bool IsSimpleField(Btf.Btf btf, BtfType type) => type.Kind switch
    {
        BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Ptr => true,
        BtfKind.Array => btf.SkipModifiersAndTypedefs(type.Array.ElementTypeId) is var element && element.Kind is BtfKind.Int or BtfKind.Enum or BtfKind.Ptr,
        _ => false,
    };

    private static string FormatStruct(Btf.Btf btf, BtfType type, ReadOnlySpan<byte> record)
    {
        var text = new StringBuilder(type.Name).Append(" { ");
        var members = type.Members;
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0)
                text.Append(", ");
            var member = members[i];
            var field = btf.SkipModifiersAndTypedefs(member.TypeId);
            text.Append(member.Name).Append(": ");
            AppendField(btf, text, field, record[(int)member.ByteOffset..]);
        }
        return text.Append(" }").ToString();
    }

    private static void AppendField(Btf.Btf btf, StringBuilder text, BtfType field, ReadOnlySpan<byte> at)
    {
        if (field.Kind != BtfKind.Array)
        {
            AppendScalar(text, field, at);
            return;
        }
        var element = btf.SkipModifiersAndTypedefs(field.Array.ElementTypeId);
        uint count = field.Array.Count;
        if (element.Kind == BtfKind.Int && element.Size == 1 && (element.IntEncoding & BtfIntEncoding.Char) != 0 || element.Name == "char")
        {
            var bytes = at[..(int)count];
            int end = bytes.IndexOf((byte)0);
            text.Append('"').Append(Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end])).Append('"');
            return;
        }
        uint size = btf.SizeOf(element.Id);
        text.Append('[');
        for (uint i = 0; i < count; i++)
        {
            if (i > 0)
                text.Append(", ");
            AppendScalar(text, element, at[(int)(i * size)..]);
        }
        text.Append(']');
    }

    private static void AppendScalar(StringBuilder text, BtfType type, ReadOnlySpan<byte> at)
    {
        if (type.Kind == BtfKind.Ptr)
        {
            text.Append("0x").Append(BinaryPrimitives.ReadUInt64LittleEndian(at).ToString("x"));
            return;
        }
        bool signed = type.IsSigned;
        switch (type.Size)
        {
            case 1: text.Append(signed ? (sbyte)at[0] : at[0]); break;
            case 2: text.Append(signed ? BinaryPrimitives.ReadInt16LittleEndian(at) : BinaryPrimitives.ReadUInt16LittleEndian(at)); break;
            case 4: text.Append(signed ? BinaryPrimitives.ReadInt32LittleEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at)); break;
            case 8:
                if (signed)
                    text.Append(BinaryPrimitives.ReadInt64LittleEndian(at));
                else
                    text.Append(BinaryPrimitives.ReadUInt64LittleEndian(at));
                break;
            default: text.Append("0x").Append(Convert.ToHexString(at[..(int)type.Size]).ToLowerInvariant()); break;
        }
    }
}
