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

    // The layout of each kind as constants, 2 bits per kind (BtfKind's value k at bits 2k..2k+1):
    // trailer words before the vlen items (INT 1, ARRAY 3, VAR 1, DECL_TAG 1), and words per vlen
    // item (STRUCT, UNION, DATASEC, ENUM64 3; ENUM, FUNC_PROTO 2). Finding the next record is a chain
    // of dependent steps over the kernel's ~130,000 records; shifts of constants keep memory loads
    // (of a table) out of that chain, which makes parsing measurably faster.
    private const ulong FixedWords = 0x4100000c4;
    private const ulong ItemWords = 0xc0c8002f00;
    // Bit k: kind k is known (INT..ENUM64); kind k's third word is a type id (PTR, TYPEDEF,
    // VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DECL_TAG, TYPE_TAG).
    private const uint KnownKinds = 0xffffe;
    private const uint TypeReferencingKinds = 0x67f04;

    /// <summary>The bytes following the 12-byte common part for this kind, or -1 for a kind this reader does not know.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TrailerLength(BtfKind kind, int vlen)
    {
        int k = (int)kind & 0x1F;
        if (((KnownKinds >> k) & 1) == 0)
            return -1;
        return 4 * ((int)((FixedWords >> (2 * k)) & 3) + (int)((ItemWords >> (2 * k)) & 3) * vlen);
    }

    /// <summary>Whether the third word of the record is a type id (rather than a size or unused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool HasTypeReference(BtfKind kind) => ((TypeReferencingKinds >> ((int)kind & 0x1F)) & 1) != 0;

    internal static BtfKind KindOf(uint info) => (BtfKind)((info >> 24) & 0x1F);

    internal static int VlenOf(uint info) => (int)(info & 0xFFFF);

    /// <summary>A word of a blob's type section (BTF is little-endian; so are the hosts Nectar runs on, and the JIT folds the test).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Le(uint word) => BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);

    /// <summary>The words of the (already length-checked) record at byte <paramref name="at"/> of <paramref name="data"/>.</summary>
    internal static ReadOnlySpan<uint> Words(ReadOnlySpan<byte> data, int at)
    {
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(at + 4, 4));
        int length = HeaderLength + TrailerLength(KindOf(info), VlenOf(info));
        return MemoryMarshal.Cast<byte, uint>(data.Slice(at, length));
    }

    /// <summary>Visits every name and type-id field of the (already length-checked) record at byte <paramref name="at"/>.</summary>
    internal static void VisitFields<TVisitor>(ReadOnlySpan<byte> data, int at, ref TVisitor visitor) where TVisitor : struct, IBtfFieldVisitor =>
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
