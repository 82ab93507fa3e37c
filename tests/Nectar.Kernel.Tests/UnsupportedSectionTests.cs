using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class UnsupportedSectionTests
{
    [KernelFact]
    public void Object_with_unsupported_sections_loads_the_rest_and_names_what_it_skipped()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("unsupported_sections"));
        Assert.Equal(["supported_one"], obj.Programs.Keys);
        var error = Assert.Throws<KeyNotFoundException>(() => obj.Programs["lookup_socket"]);
        Assert.Contains("section 'sk_lookup' is not yet supported", error.Message);
        Assert.DoesNotContain(KernelObjects.Programs(), p => p.Name == "lookup_socket" || p.Name == "probe_true");
    }
}
