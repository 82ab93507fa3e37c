extern alias gen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nectar.Testing;
using TrackingNames = gen::Nectar.Generator.Pipeline.TrackingNames;

namespace Nectar.Generator.Tests.Skeletons;

/// <summary>The object file is parsed once per stamp: unrelated edits re-run no skeleton step; a rewritten object is re-read.</summary>
public class SkeletonIncrementalTests
{
    private static IncrementalStepRunReason Reason(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].Single().Outputs.Single().Reason;

    [Fact]
    public void Editing_an_unrelated_file_leaves_the_object_parse_and_skeleton_cached_or_unchanged()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([SkeletonTests.Declaration(), "namespace App; class Unrelated { int X => 1; }"]);
        GeneratorDriver driver = GeneratorHarness.Driver(null).RunGenerators(compilation);
        Assert.Equal(IncrementalStepRunReason.New, Reason(driver, TrackingNames.SkeletonEmission));

        SyntaxTree old = compilation.SyntaxTrees.Last();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText("namespace App; class Unrelated { int X => 2; }", GeneratorHarness.ParseOptions, old.FilePath)));
        foreach (string step in new[] { TrackingNames.Skeletons, TrackingNames.ObjectStamp, TrackingNames.Object, TrackingNames.SkeletonEmission })
            Assert.True(Reason(driver, step) is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {Reason(driver, step)}");
    }

    [Fact]
    public void Rewriting_the_object_rereads_it_and_an_identical_skeleton_is_unchanged()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"nectar-skeleton-{Environment.ProcessId}.bpf.o");
        File.Copy(SkeletonTests.ObjectPath, copy, overwrite: true);
        try
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation([SkeletonTests.Declaration().Replace(SkeletonTests.ObjectPath, copy)]);
            GeneratorDriver driver = GeneratorHarness.Driver(null).RunGenerators(compilation);
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(1));
            driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other {}", GeneratorHarness.ParseOptions)));
            Assert.Equal(IncrementalStepRunReason.Modified, Reason(driver, TrackingNames.Object));
            // The emitted text contains only the object's file name, and here its copy's name changed nothing else.
            Assert.Equal(IncrementalStepRunReason.Unchanged, Reason(driver, TrackingNames.SkeletonEmission));
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
