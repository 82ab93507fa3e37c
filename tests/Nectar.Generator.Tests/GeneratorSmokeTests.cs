using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nectar.Generator;

namespace Nectar.Generator.Tests;

public class GeneratorSmokeTests
{
    [Fact]
    public void Generator_runs_on_an_empty_compilation_without_diagnostics()
    {
        var compilation = CSharpCompilation.Create("empty", [CSharpSyntaxTree.ParseText("class C {}")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new NectarGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
