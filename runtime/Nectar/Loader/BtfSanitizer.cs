using System.Buffers.Binary;
using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>BTF features that older kernels lack, each probed once (see <see cref="BtfFeatureProbe"/>).</summary>
[Flags]
public enum BtfFeature
{
    None = 0,
    /// <summary>VAR and DATASEC (Linux 5.2).</summary>
    Datasec = 1,
    /// <summary>FLOAT (5.13).</summary>
    Float = 2,
    /// <summary>DECL_TAG (5.16).</summary>
    DeclTag = 4,
    /// <summary>TYPE_TAG (5.17).</summary>
    TypeTag = 8,
    /// <summary>ENUM64 (6.0).</summary>
    Enum64 = 16,
    /// <summary>FUNC with global linkage (5.6).</summary>
    GlobalFunc = 32,
}

/// <summary>
/// Rewrites an object's BTF for a kernel that lacks some kinds, in place and record for record
/// (every replacement has the same length, so no type id or offset moves), as libbpf does:
/// VAR becomes a 1-byte INT and DATASEC a STRUCT of them (dots in its name become '_'); FLOAT an
/// empty STRUCT of its size; DECL_TAG a 1-byte INT; TYPE_TAG a CONST; ENUM64 a UNION of INT
/// members; global FUNCs static. Programs and maps then refer to the same ids as before.
/// </summary>
internal static class BtfSanitizer
{
    private const int RecordLength = 12;

    internal static byte[] Sanitize(Btf.Btf btf, byte[] bytes, BtfFeature missing)
    {
        if (missing == BtfFeature.None)
            return bytes;
        int strings = BtfHeader.Read(bytes).StringStart;
        uint? intForUnions = null;
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            var type = btf.GetType(id);
            var record = bytes.AsSpan(btf.RecordOffset(id));
            switch (type.Kind)
            {
                case BtfKind.Var when missing.HasFlag(BtfFeature.Datasec):
                    WriteOneByteInt(record, type.NameOffset);
                    break;
                case BtfKind.Datasec when missing.HasFlag(BtfFeature.Datasec):
                    WriteInfo(record, BtfKind.Struct, type.Vlen);
                    for (int i = 0; i < type.Vlen; i++)
                    {
                        var member = record.Slice(RecordLength + 12 * i, 12);
                        var variable = type.DatasecVars[i];
                        // btf_var_secinfo { type, offset, size } -> btf_member { name, type, bit offset }
                        BinaryPrimitives.WriteUInt32LittleEndian(member, btf.GetType(variable.TypeId).NameOffset);
                        BinaryPrimitives.WriteUInt32LittleEndian(member[4..], variable.TypeId);
                        BinaryPrimitives.WriteUInt32LittleEndian(member[8..], variable.Offset * 8);
                    }
                    ReplaceDots(bytes.AsSpan(strings + (int)type.NameOffset));
                    break;
                case BtfKind.Float when missing.HasFlag(BtfFeature.Float):
                    WriteInfo(record, BtfKind.Struct, 0);
                    break;
                case BtfKind.DeclTag when missing.HasFlag(BtfFeature.DeclTag):
                    WriteOneByteInt(record, 0);
                    break;
                case BtfKind.TypeTag when missing.HasFlag(BtfFeature.TypeTag):
                    BinaryPrimitives.WriteUInt32LittleEndian(record, 0);
                    WriteInfo(record, BtfKind.Const, 0);
                    break;
                case BtfKind.Enum64 when missing.HasFlag(BtfFeature.Enum64):
                    intForUnions ??= FirstInt(btf, type.Size);
                    WriteInfo(record, BtfKind.Union, type.Vlen);
                    for (int i = 0; i < type.Vlen; i++)
                    {
                        // btf_enum64 { name, lo32, hi32 } -> btf_member { name, type, bit offset 0 }
                        var member = record.Slice(RecordLength + 12 * i, 12);
                        BinaryPrimitives.WriteUInt32LittleEndian(member[4..], intForUnions.Value);
                        BinaryPrimitives.WriteUInt32LittleEndian(member[8..], 0);
                    }
                    break;
                case BtfKind.Func when missing.HasFlag(BtfFeature.GlobalFunc) && type.Vlen != 0:
                    WriteInfo(record, BtfKind.Func, 0);
                    break;
            }
        }
        return bytes;
    }

    /// <summary>info = kind &lt;&lt; 24 | vlen, kind_flag cleared.</summary>
    private static void WriteInfo(Span<byte> record, BtfKind kind, int vlen) =>
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], ((uint)kind << 24) | (uint)vlen);

    /// <summary>An INT of 1 byte, 8 bits, unsigned: the 16-byte record VAR and DECL_TAG have too.</summary>
    private static void WriteOneByteInt(Span<byte> record, uint nameOffset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, nameOffset);
        WriteInfo(record, BtfKind.Int, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], 8);
    }

    private static void ReplaceDots(Span<byte> name)
    {
        for (int i = 0; i < name.Length && name[i] != 0; i++)
        {
            if (name[i] == (byte)'.')
                name[i] = (byte)'_';
        }
    }

    /// <summary>An INT type no larger than an ENUM64's size, to type the members of the UNION that replaces it.</summary>
    private static uint FirstInt(Btf.Btf btf, uint maxSize)
    {
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            var type = btf.GetType(id);
            if (type.Kind == BtfKind.Int && type.Size <= maxSize)
                return id;
        }
        throw new BtfException("The object's BTF has an ENUM64, which this kernel lacks, and no INT type to stand in for its values.");
    }
}
