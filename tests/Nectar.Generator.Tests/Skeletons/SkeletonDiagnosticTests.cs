using Microsoft.CodeAnalysis;
using Nectar.Testing;

namespace Nectar.Generator.Tests.Skeletons;

/// <summary>What a wrong [BpfObject] or [RingBufferEvent] gets: a stable id on the declaration and a message naming the fix.</summary>
public class SkeletonDiagnosticTests
{
    private static Diagnostic Only(IEnumerable<Diagnostic> diagnostics, string id) => Assert.Single(diagnostics, d => d.Id == id);

    private static IEnumerable<Diagnostic> Run(string attributes, string? path = null, string declaration = "public partial class SkeletonDemo;")
    {
        string source = SkeletonTests.Declaration(attributes).Replace("public partial class SkeletonDemo;", declaration);
        if (path != null) source = source.Replace(SkeletonTests.ObjectPath, path);
        return GeneratorHarness.Run([source], btfPath: null).Generator;
    }

    [Fact]
    public void A_ring_buffer_event_for_a_map_the_object_lacks_is_an_error_with_did_you_mean()
    {
        Diagnostic d = Only(Run("[Nectar.RingBufferEvent(\"event\", \"event\")]"), "NECTAR013");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("has no map named 'event'", d.GetMessage());
        Assert.Contains("Did you mean 'events'?", d.GetMessage());
        Assert.Equal(3, d.Location.GetLineSpan().StartLinePosition.Line); // the class the attributes are on
    }

    [Fact]
    public void A_ring_buffer_event_for_a_map_that_is_not_a_ring_buffer_says_what_the_map_is()
    {
        Diagnostic d = Only(Run("[Nectar.RingBufferEvent(\"stats\", \"event\")]"), "NECTAR013");
        Assert.Contains("it is a BPF_MAP_TYPE_HASH, not a ring buffer", d.GetMessage());
    }

    [Fact]
    public void An_event_struct_the_object_lacks_is_an_unknown_type_with_did_you_mean()
    {
        Diagnostic d = Only(Run("[Nectar.RingBufferEvent(\"events\", \"evnt\")]"), "NECTAR003");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("Did you mean 'event'", d.GetMessage());
    }

    [Fact]
    public void Two_event_types_for_one_ring_buffer_conflict()
    {
        Diagnostic d = Only(Run("[Nectar.RingBufferEvent(\"events\", \"event\")][Nectar.RingBufferEvent(\"events\", \"syscall_stats\")]"), "NECTAR007");
        Assert.Contains("more than one [RingBufferEvent]", d.GetMessage());
    }

    [Fact]
    public void A_missing_object_is_an_error_that_names_the_path_and_how_to_build_it()
    {
        Diagnostic d = Only(Run("", path: "/nonexistent/missing.bpf.o"), "NECTAR001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'/nonexistent/missing.bpf.o'", d.GetMessage());
        Assert.Contains("<BpfProgram>", d.GetMessage());
    }

    [Fact]
    public void A_file_that_is_not_a_bpf_object_is_malformed_input()
    {
        Diagnostic d = Only(Run("", path: Fixtures.PathOf("trace-headers/sched.h")), "NECTAR002");
        Assert.Contains("not an ELF file", d.GetMessage());
    }

    [Fact]
    public void A_project_without_the_runtime_gets_an_error_instead_of_a_skeleton_that_cannot_compile()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([SkeletonTests.Declaration()], btfPath: null, withRuntime: false);
        Diagnostic d = Only(diagnostics, "NECTAR012");
        Assert.Contains("does not reference", d.GetMessage());
        Assert.DoesNotContain("App.SkeletonDemo.g.cs", GeneratorHarness.HintNames(driver));
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Theory]
    [InlineData("public class SkeletonDemo { }")]
    [InlineData("public static partial class SkeletonDemo;")]
    [InlineData("public partial class SkeletonDemo<T>;")]
    public void A_skeleton_class_must_be_a_plain_partial_class(string declaration)
    {
        Diagnostic d = Only(Run("", declaration: declaration), "NECTAR012");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("partial class", d.GetMessage());
    }
}
