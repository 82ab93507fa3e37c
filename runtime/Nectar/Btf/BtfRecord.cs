using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nectar.Btf;

/// <summary>
/// Receives the positions of the string-offset and type-id fields of one type record, so that the
/// validator, the writer (which renumbers) and the closure walk share one description of the layout.
/// Implemented by structs, so the JIT inlines the calls.
/// </summary>
internal interface IBtfFieldVisitor
{
    /// <summary>A string offset <paramref name="value"/> (a type, member, parameter or enumerator name) at absolute byte <paramref name="at"/>.</summary>
    void Name(int at, uint value);

    /// <summary>A type id <paramref name="value"/> at absolute byte <paramref name="at"/>.</summary>
    void TypeId(int at, uint value);
}

/// <summary>The layout of a BTF type record: its length and which of its fields are names and type ids.</summary>
internal static class BtfRecord
{
    internal const int HeaderLength = 12;

    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (not named in netstandard2.0): the JIT compiles the
    /// method fully optimized at once. For the loops that run once per blob over every record, where
    /// tiered compilation would otherwise run them as unoptimized code in a process that parses once.
    /// </summary>
    internal const MethodImplOptions OptimizeAtOnce = (MethodImplOptions)512;

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

    /// <summary>A word of a blob's type section (BTF is little-endian; so are the hosts Nectar runs on, and the JIT folds the test).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Le(uint word) => BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);

    /// <summary>The words of the (already length-checked) record at byte <paramref name="at"/> of <paramref name="data"/>.</summary>
    internal static ReadOnlySpan<uint> Words(byte[] data, int at)
    {
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(data, at + 4, 4));
        int length = HeaderLength + TrailerLength(KindOf(info), VlenOf(info));
        return MemoryMarshal.Cast<byte, uint>(new ReadOnlySpan<byte>(data, at, length));
    }

    /// <summary>Visits every name and type-id field of the (already length-checked) record at byte <paramref name="at"/>.</summary>
    internal static void VisitFields<TVisitor>(byte[] data, int at, ref TVisitor visitor) where TVisitor : struct, IBtfFieldVisitor =>
        VisitFields(Words(data, at), at, ref visitor);

    /// <summary>
    /// Visits every name and type-id field of one record, given as its words (which must hold the
    /// whole record) starting at byte <paramref name="at"/> of its blob.
    /// </summary>
    internal static void VisitFields<TVisitor>(ReadOnlySpan<uint> record, int at, ref TVisitor visitor) where TVisitor : struct, IBtfFieldVisitor
    {
        uint info = Le(record[1]);
        var kind = KindOf(info);
        int vlen = VlenOf(info);
        visitor.Name(at, Le(record[0]));
        if (HasTypeReference(kind))
            visitor.TypeId(at + 8, Le(record[2]));
        switch (kind)
        {
            case BtfKind.Array:
                visitor.TypeId(at + 12, Le(record[3]));
                visitor.TypeId(at + 16, Le(record[4]));
                break;
            case BtfKind.Struct or BtfKind.Union:
                for (int i = 0, w = 3; i < vlen; i++, w += 3)
                {
                    visitor.Name(at + 4 * w, Le(record[w]));
                    visitor.TypeId(at + 4 * w + 4, Le(record[w + 1]));
                }
                break;
            case BtfKind.FuncProto:
                for (int i = 0, w = 3; i < vlen; i++, w += 2)
                {
                    visitor.Name(at + 4 * w, Le(record[w]));
                    visitor.TypeId(at + 4 * w + 4, Le(record[w + 1]));
                }
                break;
            case BtfKind.Enum:
                for (int i = 0, w = 3; i < vlen; i++, w += 2)
                    visitor.Name(at + 4 * w, Le(record[w]));
                break;
            case BtfKind.Enum64:
                for (int i = 0, w = 3; i < vlen; i++, w += 3)
                    visitor.Name(at + 4 * w, Le(record[w]));
                break;
            case BtfKind.Datasec:
                for (int i = 0, w = 3; i < vlen; i++, w += 3)
                    visitor.TypeId(at + 4 * w, Le(record[w]));
                break;
        }
    }
}
