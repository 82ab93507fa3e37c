using Nectar.Btf;
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
                BtfHandle.Load(blob).Dispose();
            }
            catch (BpfException e) when (e is not BpfPermissionException)
            {
                missing |= feature;
            }
        }
        return missing;
    }

    /// <summary>One small, valid BTF blob per feature; type [1] is always a signed 4-byte "int".</summary>
    internal static IEnumerable<(BtfFeature Feature, byte[] Blob)> Blobs()
    {
        yield return (BtfFeature.Datasec, With(b =>
        {
            uint x = b.AddVar("x", 1);                                        // VAR x: int, global
            b.AddDatasec(".data", 4, [new BtfVarSecInfo(x, 0, 4)]);           // DATASEC .data { x at 0, 4 bytes }
        }));
        yield return (BtfFeature.Float, With(b => b.AddFloat("float", 4)));
        yield return (BtfFeature.DeclTag, With(b => b.AddDeclTag("tag", b.AddTypedef("t", 1))));   // on the typedef itself
        yield return (BtfFeature.TypeTag, With(b => b.AddPointer(b.AddTypeTag("tag", 1))));
        yield return (BtfFeature.Enum64, With(b => b.AddEnum64("e", 8, signed: true, [new BtfEnumValue("a", 1)])));
        yield return (BtfFeature.GlobalFunc, With(b => b.AddFunc("f", b.AddFuncProto(1, []))));     // int f(void), linkage 1: global
    }

    private static byte[] With(Action<BtfBuilder> types)
    {
        var builder = new BtfBuilder();
        builder.AddInt("int", 4, BtfIntEncoding.Signed);
        types(builder);
        return builder.ToArray();
    }
}
