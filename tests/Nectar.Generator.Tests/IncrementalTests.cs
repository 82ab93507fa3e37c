extern alias gen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nectar.Testing;
using TrackingNames = gen::Nectar.Generator.Pipeline.TrackingNames;

namespace Nectar.Generator.Tests;

/// <summary>Editing code unrelated to Nectar's declarations re-runs nothing expensive: BTF parse and emission stay cached.</summary>
public class IncrementalTests
{
    private const string Declarations = """
        [assembly: Nectar.KernelType("task_struct")]
        namespace App;
        [Nectar.RawTracepoint("sched_process_exec")] public partial struct ExecArgs;
        [Nectar.Tracepoint("sched", "sched_process_exec")] public partial struct ExecRecord;
        """;

    [Fact]
    public void Editing_an_unrelated_file_leaves_btf_parse_and_emission_cached_or_unchanged()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([Declarations, "namespace App; class Unrelated { int X => 1; }"]);
        GeneratorDriver driver = GeneratorHarness.Driver(GeneratorHarness.VmlinuxPath,
            [Fixtures.PathOf("trace-headers/sched.h"), Fixtures.PathOf("tracefs/sched/sched_process_exec/format")]);
        driver = driver.RunGenerators(compilation);
        Assert.NotEmpty(driver.GetRunResult().GeneratedTrees);

        SyntaxTree old = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText("namespace App; class Unrelated { int X => 2; int Y => 3; }", GeneratorHarness.ParseOptions, old.FilePath));
        driver = driver.RunGenerators(edited);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (string name in new[] { TrackingNames.Btf, TrackingNames.KernelTypes, TrackingNames.RawTracepoints, TrackingNames.Tracepoints,
                     TrackingNames.Prototypes, TrackingNames.Formats, TrackingNames.Request, TrackingNames.Emission })
        {
            Assert.True(steps.ContainsKey(name), $"step {name} was not tracked");
            foreach (var step in steps[name])
                foreach (var (_, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
        }
    }

    [Fact]
    public void Moving_every_declaration_one_line_down_leaves_emission_cached_and_moves_its_diagnostics()
    {
        const string WithUnknown = "[assembly: Nectar.KernelType(\"task_strukt\")]\n" + Declarations;
        CSharpCompilation compilation = GeneratorHarness.Compilation([WithUnknown]);
        GeneratorDriver driver = GeneratorHarness.Driver(GeneratorHarness.VmlinuxPath,
            [Fixtures.PathOf("trace-headers/sched.h"), Fixtures.PathOf("tracefs/sched/sched_process_exec/format")]);
        driver = driver.RunGenerators(compilation);
        Assert.Equal(0, UnknownTypeLine(driver));

        SyntaxTree old = compilation.SyntaxTrees.Single();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText("// a line above every declaration\n" + WithUnknown, GeneratorHarness.ParseOptions, old.FilePath)));

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.Equal(IncrementalStepRunReason.Modified, steps[TrackingNames.Locations].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Unchanged, steps[TrackingNames.KernelTypes].Single().Outputs.Single().Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, steps[TrackingNames.Emission].Single().Outputs.Single().Reason);
        // The cached emission's diagnostic is reported where the attribute is now.
        Assert.Equal(1, UnknownTypeLine(driver));
    }

    private static int UnknownTypeLine(GeneratorDriver driver) =>
        driver.GetRunResult().Diagnostics.Single(d => d.Id == "NECTAR003").Location.GetLineSpan().StartLinePosition.Line;

    [Fact]
    public void Touching_the_btf_file_reparses_it_and_emission_is_unchanged()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"nectar-touch-{Environment.ProcessId}.btf");
        File.Copy(GeneratorHarness.VmlinuxPath, copy, overwrite: true);
        try
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation([Declarations]);
            GeneratorDriver driver = GeneratorHarness.Driver(copy).RunGenerators(compilation);
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(1));
            driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other {}", GeneratorHarness.ParseOptions)));
            var steps = driver.GetRunResult().Results.Single().TrackedSteps;
            Assert.Equal(IncrementalStepRunReason.Modified, steps[TrackingNames.Btf].Single().Outputs.Single().Reason);
            Assert.Equal(IncrementalStepRunReason.Unchanged, steps[TrackingNames.Emission].Single().Outputs.Single().Reason);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
