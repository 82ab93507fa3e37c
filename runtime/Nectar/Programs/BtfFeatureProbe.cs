using System.Buffers.Binary;
using System.Text;
using Nectar.Interop;

namespace Nectar.Programs;

/// <summary>
/// Which BTF kinds the running kernel accepts: for each feature, BPF_BTF_LOAD of the smallest blob
/// that uses it. Probed once per process; the loader sanitizes object BTF for what is missing.
/// </summary>
public static class BtfFeatureProbe
{
    private static readonly Lazy<BtfFeature> s_missing = new(() => ProbeAll());

    /// <summary>The features this kernel's BTF loader rejects.</summary>
    public static BtfFeature Missing => s_missing.Value;

    private static BtfFeature ProbeAll()
    {
        var missing = BtfFeature.None;
        foreach (var (feature, blob) in Blobs())
        {
            try
            {
                KernelBtf.Load(blob, $"the {feature} probe").Dispose();
            }
            catch (BpfException e) when (e is not BpfPermissionException)
            {
                missing |= feature;
            }
        }
        return missing;
    }

    /// <summary>One small, valid BTF blob per feature; type [1] is always "int".</summary>
    internal static IEnumerable<(BtfFeature Feature, byte[] Blob)> Blobs()
    {
        const string strings = "\0int\0x\0.data\0float\0t\0tag\0e\0a\0f\0";
        uint Name(string name) => (uint)strings.IndexOf("\0" + name + "\0", StringComparison.Ordinal) + 1;
        uint[] intType = [0, Info(1, 0), 4, 0x0100_0020]; // INT "int", 4 bytes, signed, 32 bits
        intType[0] = Name("int");
        yield return (BtfFeature.Datasec, Build(strings, intType,
            [Name("x"), Info(14, 0), 1, 1],                                        // [2] VAR x: int, global
            [Name(".data"), Info(15, 1), 4, 2, 0, 4]));                           // [3] DATASEC .data { x at 0, 4 bytes }
        yield return (BtfFeature.Float, Build(strings, intType, [Name("float"), Info(16, 0), 4]));
        yield return (BtfFeature.DeclTag, Build(strings, intType,
            [Name("t"), Info(8, 0), 1],                                            // [2] TYPEDEF t: int
            [Name("tag"), Info(17, 0), 2, uint.MaxValue]));                       // [3] DECL_TAG "tag" on t
        yield return (BtfFeature.TypeTag, Build(strings, intType,
            [Name("tag"), Info(18, 0), 1],                                         // [2] TYPE_TAG "tag" int
            [0, Info(2, 0), 2]));                                                  // [3] PTR to [2]
        yield return (BtfFeature.Enum64, Build(strings, intType, [Name("e"), Info(19, 1), 8, Name("a"), 1, 0]));
        yield return (BtfFeature.GlobalFunc, Build(strings, intType,
            [0, Info(13, 0), 1],                                                   // [2] FUNC_PROTO int (void)
            [Name("f"), Info(12, 1), 2]));                                         // [3] FUNC f, global linkage
    }

    private static uint Info(uint kind, uint vlen) => (kind << 24) | vlen;

    /// <summary>A BTF blob: the 24-byte header, the type records (as 32-bit words), the strings.</summary>
    private static byte[] Build(string strings, params uint[][] types)
    {
        var words = types.SelectMany(t => t).ToArray();
        byte[] text = Encoding.ASCII.GetBytes(strings);
        var blob = new byte[24 + words.Length * 4 + text.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xEB9F);
        blob[2] = 1;                                                               // version
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);             // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);              // type_off
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)words.Length * 4);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)words.Length * 4);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)text.Length);
        for (int i = 0; i < words.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(24 + i * 4), words[i]);
        text.CopyTo(blob, 24 + words.Length * 4);
        return blob;
    }
}
