using Microsoft.CodeAnalysis;

namespace Nectar.Generator.Tests;

public class GeneratorSmokeTests
{
    [Fact]
    public void Generator_runs_on_a_compilation_without_declarations_and_adds_only_its_attributes()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run(["class C {}"], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(["Microsoft.CodeAnalysis.EmbeddedAttribute.cs", "Nectar.Attributes.g.cs"], GeneratorHarness.HintNames(driver).ToArray());
    }
}
