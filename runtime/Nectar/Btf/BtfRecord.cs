using System.Buffers.Binary;

namespace Nectar.Btf;

/// <summary>
/// Receives the positions of the string-offset and type-id fields of one type record, so that the
/// validator, the writer (which renumbers) and the closure walk share one description of the layout.
/// Implemented by structs, so the JIT inlines the calls.
/// </summary>
internal interface IBtfFieldVisitor
{
    /// <summary>A string offset (a type, member, parameter or enumerator name) at absolute byte <paramref name="at"/>.</summary>
    void Name(int at);

    /// <summary>A type id at absolute byte <paramref name="at"/>.</summary>
    void TypeId(int at);
}

/// <summary>The layout of a BTF type record: its length and which of its fields are names and type ids.</summary>
internal static class BtfRecord
{
    internal const int HeaderLength = 12;

    /// <summary>The bytes following the 12-byte common part for this kind, or -1 for a kind this reader does not know.</summary>
    internal static int TrailerLength(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    /// <summary>Whether the third word of the record is a type id (rather than a size or unused).</summary>
    internal static bool HasTypeReference(BtfKind kind) => kind is BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile
        or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag or BtfKind.FuncProto;

    internal static BtfKind KindOf(uint info) => (BtfKind)((info >> 24) & 0x1F);

    internal static int VlenOf(uint info) => (int)(info & 0xFFFF);

    /// <summary>Visits every name and type-id field of the (already length-checked) record at <paramref name="at"/>.</summary>
    internal static void VisitFields<TVisitor>(byte[] data, int at, ref TVisitor visitor) where TVisitor : struct, IBtfFieldVisitor
    {
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(new System.ReadOnlySpan<byte>(data, at + 4, 4));
        var kind = KindOf(info);
        int vlen = VlenOf(info);
        int body = at + HeaderLength;
        visitor.Name(at);
        if (HasTypeReference(kind))
            visitor.TypeId(at + 8);
        switch (kind)
        {
            case BtfKind.Array:
                visitor.TypeId(body);
                visitor.TypeId(body + 4);
                break;
            case BtfKind.Struct or BtfKind.Union:
                for (int i = 0; i < vlen; i++)
                {
                    visitor.Name(body + 12 * i);
                    visitor.TypeId(body + 12 * i + 4);
                }
                break;
            case BtfKind.FuncProto:
                for (int i = 0; i < vlen; i++)
                {
                    visitor.Name(body + 8 * i);
                    visitor.TypeId(body + 8 * i + 4);
                }
                break;
            case BtfKind.Enum:
                for (int i = 0; i < vlen; i++)
                    visitor.Name(body + 8 * i);
                break;
            case BtfKind.Enum64:
                for (int i = 0; i < vlen; i++)
                    visitor.Name(body + 12 * i);
                break;
            case BtfKind.Datasec:
                for (int i = 0; i < vlen; i++)
                    visitor.TypeId(body + 12 * i);
                break;
        }
    }
}
