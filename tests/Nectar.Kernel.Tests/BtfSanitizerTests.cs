using Nectar.Btf;
using Nectar.Interop;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// This kernel has every BTF kind, so sanitizing is tested by doing it anyway: each feature's probe
/// blob, rewritten as for a kernel without that feature, must lose the kind and still be accepted
/// by the kernel; so must a real object's BTF with every feature removed.
/// </summary>
public class BtfSanitizerTests
{
    private static readonly Dictionary<BtfFeature, BtfKind[]> s_kinds = new()
    {
        [BtfFeature.Datasec] = [BtfKind.Var, BtfKind.Datasec],
        [BtfFeature.Float] = [BtfKind.Float],
        [BtfFeature.DeclTag] = [BtfKind.DeclTag],
        [BtfFeature.TypeTag] = [BtfKind.TypeTag],
        [BtfFeature.Enum64] = [BtfKind.Enum64],
    };

    [KernelFact]
    public void This_kernel_accepts_every_probe_and_every_sanitized_probe()
    {
        Assert.Equal(BtfFeature.None, BtfFeatureProbe.Missing);
        foreach (var (feature, blob) in BtfFeatureProbe.Blobs())
        {
            var sanitized = BtfSanitizer.Sanitize(Nectar.Btf.Btf.Parse(blob), (byte[])blob.Clone(), feature);
            var reparsed = Nectar.Btf.Btf.Parse(sanitized);
            if (s_kinds.TryGetValue(feature, out var gone))
                Assert.DoesNotContain(reparsed.Types, t => gone.Contains(t.Kind));
            else
                Assert.DoesNotContain(reparsed.Types, t => t.Kind == BtfKind.Func && t.Vlen != 0);
            BtfHandle.Load(sanitized).Dispose();
        }
    }

    [KernelFact]
    public void Object_btf_without_every_feature_still_loads()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("tp_btf_counter"));
        var all = BtfFeature.Datasec | BtfFeature.Float | BtfFeature.DeclTag | BtfFeature.TypeTag | BtfFeature.Enum64 | BtfFeature.GlobalFunc;
        var sanitized = BtfSanitizer.Sanitize(spec.Btf!, new ObjectBtf(spec, spec.Btf!).KernelBytes(), all);
        var reparsed = Nectar.Btf.Btf.Parse(sanitized);
        Assert.DoesNotContain(reparsed.Types, t => t.Kind is BtfKind.Var or BtfKind.Datasec);
        Assert.Contains(reparsed.Types, t => t.Kind == BtfKind.Struct && t.Name == "_rodata");
        BtfHandle.Load(sanitized).Dispose();
    }
}
