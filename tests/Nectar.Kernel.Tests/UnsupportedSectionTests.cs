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
        var error = Assert.Throws<KeyNotFoundException>(() => obj.Programs["struct_ops_callback"]);
        Assert.Contains("section 'struct_ops/test_1' is a struct_ops program, loaded as part of a struct_ops map", error.Message);
        Assert.DoesNotContain(KernelObjects.Programs(), p => p.Name == "replace_handler" || p.Name == "struct_ops_callback");
    }
}
