using Nectar.Btf;

namespace Nectar.Relocation;

/// <summary>Where a field access lands in one BTF: bit offset from the root pointer, the field's type, its bitfield width.</summary>
internal readonly record struct CoreField(Btf.Btf Btf, uint TypeId, ulong BitOffset, uint BitfieldSize)
{
    /// <summary>Follows an access spec through a BTF (the object's or a kernel candidate's), matching members by name.</summary>
    internal static CoreField? Walk(Btf.Btf btf, uint rootTypeId, CoreAccessSpec spec)
    {
        ulong bits = spec.RootIndex == 0 ? 0 : checked((ulong)spec.RootIndex * btf.SizeOf(rootTypeId) * 8);
        uint current = rootTypeId;
        uint bitfield = 0;
        foreach (var step in spec.Steps)
        {
            var type = btf.SkipModifiersAndTypedefs(current);
            if (step.MemberName is { } name)
            {
                if (!type.IsComposite || btf.FindMember(type.Id, name) is not { } member)
                    return null;
                bits += member.BitOffset;
                bitfield = member.BitfieldSize;
                current = member.TypeId;
            }
            else
            {
                if (type.Kind != BtfKind.Array)
                    return null;
                var array = type.Array;
                // A flexible array member (count 0) may be indexed anywhere, as in C.
                if (array.Count != 0 && (uint)step.Index >= array.Count)
                    return null;
                bits += (ulong)step.Index * btf.SizeOf(array.ElementTypeId) * 8;
                bitfield = 0;
                current = array.ElementTypeId;
            }
        }
        return new CoreField(btf, current, bits, bitfield);
    }

    /// <summary>
    /// The relocated value of a field relocation, as libbpf computes it: for bitfields, the smallest
    /// naturally aligned load (1, 2, 4 or 8 bytes) that contains the bits, and the shifts that extract them.
    /// </summary>
    internal ulong Value(CoreRelocationKind kind)
    {
        var type = Btf.SkipModifiersAndTypedefs(TypeId);
        uint byteSize;
        ulong byteOffset;
        uint bitSize;
        if (BitfieldSize == 0)
        {
            byteSize = Btf.SizeOf(TypeId);
            byteOffset = BitOffset / 8;
            bitSize = byteSize * 8;
        }
        else
        {
            bitSize = BitfieldSize;
            byteSize = type.Size;
            byteOffset = BitOffset / 8 / byteSize * byteSize;
            while (BitOffset + bitSize - byteOffset * 8 > byteSize * 8)
            {
                if (byteSize >= 8)
                    throw new BtfException($"a bitfield of {bitSize} bits at bit {BitOffset} cannot be read with one load of at most 8 bytes.");
                byteSize *= 2;
                byteOffset = BitOffset / 8 / byteSize * byteSize;
            }
        }
        return kind switch
        {
            CoreRelocationKind.FieldByteOffset => byteOffset,
            CoreRelocationKind.FieldByteSize => byteSize,
            CoreRelocationKind.FieldExists => 1,
            CoreRelocationKind.FieldSigned => type.IsEnum ? (type.IsSigned ? 1UL : 0) : type.Kind == BtfKind.Int && type.IsSigned ? 1UL : 0,
            CoreRelocationKind.FieldLshiftU64 => 64 - (BitOffset + bitSize - byteOffset * 8),
            CoreRelocationKind.FieldRshiftU64 => 64 - (ulong)bitSize,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
