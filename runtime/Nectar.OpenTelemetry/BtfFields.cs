using System.Buffers.Binary;
using System.Text;
using Nectar.Btf;

namespace Nectar.OpenTelemetry;

/// <summary>
/// Turns a value laid out as a BTF type (a map key, a ring-buffer record) into named fields, the
/// attributes of a metric point or a log record: integers as <see cref="long"/>, enums by their
/// enumerator name, <c>char</c> arrays as text up to the first NUL, other arrays of integers as
/// <see cref="long"/> arrays, pointers as hex text, nested structs as "outer.inner" names; a scalar
/// type is one field named "key". Bitfields and unions are skipped (no one value to give them).
/// </summary>
internal sealed class BtfFields
{
    private readonly Btf.Btf _btf;
    private readonly List<Field> _fields = [];

    private readonly record struct Field(string Name, BtfType Type, int Offset);

    private BtfFields(Btf.Btf btf, BtfType type, string scalarName)
    {
        _btf = btf;
        TypeName = type.IsAnonymous ? type.Kind.ToString().ToLowerInvariant() : type.Name;
        if (type.Kind == BtfKind.Struct)
            AddMembers(type, "", 0);
        else if (IsReadable(type))
            _fields.Add(new(scalarName, type, 0));
        Size = (int)btf.SizeOf(type.Id);
    }

    /// <summary>The type's name (the struct's, for the log message).</summary>
    public string TypeName { get; }

    /// <summary>The bytes a value of the type takes.</summary>
    public int Size { get; }

    /// <summary>The fields' names, in layout order.</summary>
    public IEnumerable<string> Names => _fields.Select(f => f.Name);

    public int Count => _fields.Count;

    /// <summary>The fields of <paramref name="typeId"/> in <paramref name="btf"/>; null when there is no such type to read.</summary>
    public static BtfFields? For(Btf.Btf? btf, uint typeId, string scalarName = "key")
    {
        if (btf is null || typeId == 0 || typeId > btf.LastTypeId)
            return null;
        var type = btf.SkipModifiersAndTypedefs(typeId);
        return type.IsVoid ? null : new BtfFields(btf, type, scalarName);
    }

    /// <summary>The struct named <paramref name="name"/> (or a typedef of one); null when the BTF has none.</summary>
    public static BtfFields? ForStruct(Btf.Btf btf, string name)
    {
        var found = btf.FindByName(name, BtfKind.Struct)
            ?? (btf.FindByName(name, BtfKind.Typedef) is { } alias && btf.SkipModifiersAndTypedefs(alias.TypeId) is { Kind: BtfKind.Struct } aliased ? aliased : null);
        return found is { } type ? new BtfFields(btf, type, "value") : null;
    }

    public string NameAt(int index) => _fields[index].Name;

    /// <summary>Field <paramref name="index"/> of <paramref name="data"/> (which holds at least <see cref="Size"/> bytes).</summary>
    public object ValueAt(int index, ReadOnlySpan<byte> data)
    {
        var field = _fields[index];
        return Read(field.Type, data[field.Offset..]);
    }

    private void AddMembers(BtfType composite, string prefix, int offset)
    {
        foreach (var member in composite.Members)
        {
            if (member.IsBitfield)
                continue;
            var type = _btf.SkipModifiersAndTypedefs(member.TypeId);
            string name = prefix + member.Name;
            int at = offset + (int)member.ByteOffset;
            if (type.Kind == BtfKind.Struct)
                AddMembers(type, member.Name.Length == 0 ? prefix : name + ".", at); // anonymous members' fields belong to the outer struct
            else if (IsReadable(type) && member.Name.Length > 0)
                _fields.Add(new(name, type, at));
        }
    }

    private bool IsReadable(BtfType type) => type.Kind switch
    {
        BtfKind.Int => type.Size is 1 or 2 or 4 or 8,
        BtfKind.Enum or BtfKind.Enum64 or BtfKind.Ptr => true,
        BtfKind.Array => _btf.SkipModifiersAndTypedefs(type.Array.ElementTypeId) is { Kind: BtfKind.Int or BtfKind.Enum } element && element.Size is 1 or 2 or 4 or 8,
        _ => false,
    };

    private object Read(BtfType type, ReadOnlySpan<byte> at)
    {
        switch (type.Kind)
        {
            case BtfKind.Ptr:
                return "0x" + BinaryPrimitives.ReadUInt64LittleEndian(at).ToString("x");
            case BtfKind.Enum or BtfKind.Enum64:
                long number = Integer(at, (int)type.Size, type.IsSigned);
                foreach (var value in type.EnumValues)
                {
                    if (value.Value == number)
                        return value.Name;
                }
                return number;
            case BtfKind.Array:
                var element = _btf.SkipModifiersAndTypedefs(type.Array.ElementTypeId);
                int count = (int)type.Array.Count, size = (int)element.Size;
                if (size == 1 && element.Kind == BtfKind.Int && ((element.IntEncoding & BtfIntEncoding.Char) != 0 || element.Name == "char"))
                {
                    var bytes = at[..count];
                    int end = bytes.IndexOf((byte)0);
                    return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
                }
                var items = new long[count];
                for (int i = 0; i < count; i++)
                    items[i] = Integer(at[(i * size)..], size, element.Kind == BtfKind.Int ? element.IsSigned : element.IsSigned);
                return items;
            default:
                return Integer(at, (int)type.Size, type.IsSigned);
        }
    }

    // OpenTelemetry attributes have no unsigned 64-bit type: a u64 past long.MaxValue wraps, as in
    // the SDK's own conversion of ulong measurements.
    private static long Integer(ReadOnlySpan<byte> at, int size, bool signed) => size switch
    {
        1 => signed ? (sbyte)at[0] : at[0],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(at) : BinaryPrimitives.ReadUInt16LittleEndian(at),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at),
        _ => BinaryPrimitives.ReadInt64LittleEndian(at),
    };
}
