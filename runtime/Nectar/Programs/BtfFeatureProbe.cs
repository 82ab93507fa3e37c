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
            uint x = b.Add("x", BtfKind.Var, 0, false, 1, 1);                 // VAR x: int, global
            b.Add(".data", BtfKind.Datasec, 1, false, 4, x, 0, 4);            // DATASEC .data { x at 0, 4 bytes }
        }));
        yield return (BtfFeature.Float, With(b => b.Add("float", BtfKind.Float, 0, false, 4)));
        yield return (BtfFeature.DeclTag, With(b =>
        {
            uint t = b.Add("t", BtfKind.Typedef, 0, false, 1);
            b.Add("tag", BtfKind.DeclTag, 0, false, t, uint.MaxValue);        // on the typedef itself
        }));
        yield return (BtfFeature.TypeTag, With(b => b.Pointer(b.Add("tag", BtfKind.TypeTag, 0, false, 1))));
        yield return (BtfFeature.Enum64, With(b => b.Add("e", BtfKind.Enum64, 1, true, 8, b.Name("a"), 1, 0)));
        yield return (BtfFeature.GlobalFunc, With(b =>
        {
            uint prototype = b.Add("", BtfKind.FuncProto, 0, false, 1);      // int (void)
            b.Add("f", BtfKind.Func, 1, false, prototype);                    // linkage 1: global
        }));
    }

    private static byte[] With(Action<BtfBuilder> types)
    {
        var builder = new BtfBuilder();
        builder.Int("int", 4, signed: true);
        types(builder);
        return builder.Build();
    }
}
