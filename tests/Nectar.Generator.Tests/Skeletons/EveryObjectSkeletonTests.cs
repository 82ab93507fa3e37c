using Microsoft.CodeAnalysis;
using Nectar.Testing;

namespace Nectar.Generator.Tests.Skeletons;

/// <summary>
/// Every BPF object committed in bpf/ (tail calls, maps of maps, externs, callbacks, ...) gets a
/// skeleton that compiles without warnings and names the programs the runtime's loader finds.
/// </summary>
public class EveryObjectSkeletonTests
{
    public static TheoryData<string> Objects() =>
        [.. Directory.GetFiles(Path.GetDirectoryName(BpfObjects.PathOf("exec_observer"))!, "*.bpf.o")
            .Select(p => Path.GetFileName(p)[..^".bpf.o".Length])
            // Made to be refused by the loader (an extern no config value can fill): ExternObjectTests.
            .Where(name => name != "extern_unsupported")
            .Order()];

    [Theory]
    [MemberData(nameof(Objects))]
    public void Skeleton_compiles_and_has_the_loaders_programs(string name)
    {
        string declaration = $$"""
            namespace App;
            [Nectar.BpfObject("{{BpfObjects.PathOf(name)}}")]
            public partial class Skeleton;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([declaration], btfPath: null);
        // name_clash is the naming rule's clash on purpose (NamingTests): its NECTAR021 warnings are expected.
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning && !(name == "name_clash" && d.Id == "NECTAR021"));
        Assert.Empty(GeneratorHarness.Problems(output));
        string skeleton = GeneratorHarness.Generated(driver, "App.Skeleton.g.cs");
        AssertSameProgramsAsTheLoader(skeleton, name);
    }

    /// <summary>The skeleton's program properties name exactly the programs the runtime's loader finds in bpf/NAME.bpf.o.</summary>
    internal static void AssertSameProgramsAsTheLoader(string skeleton, string objectName)
    {
        var inSkeleton = System.Text.RegularExpressions.Regex.Matches(skeleton, @"Object\.Programs\[""(\w+)""\]").Select(m => m.Groups[1].Value).Order();
        var loaded = Nectar.Programs.BpfObjectSpec.Read(BpfObjects.PathOf(objectName)).Programs.Select(p => p.Key).Order();
        Assert.Equal(loaded, inSkeleton);
    }
}
