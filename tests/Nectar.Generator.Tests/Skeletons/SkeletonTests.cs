extern alias gen;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Nectar.Programs;
using Nectar.Testing;
using BtfData = Nectar.Btf.Btf;
using BtfKind = Nectar.Btf.BtfKind;
using BtfType = Nectar.Btf.BtfType;

namespace Nectar.Generator.Tests.Skeletons;

/// <summary>
/// The skeleton of bpf/skeleton_demo.bpf.o: golden file, compiles with no warnings, its event structs
/// laid out as the object's BTF says, and its variables reach the object spec before load (no kernel
/// needed; Nectar.Kernel.Tests' SkeletonTests load and run it).
/// </summary>
public class SkeletonTests
{
    internal static string ObjectPath => BpfObjects.PathOf("skeleton_demo");

    internal static string Declaration(string attributes = "[Nectar.RingBufferEvent(\"events\", \"event\")]") => $$"""
        namespace App;
        [Nectar.BpfObject("{{ObjectPath}}")]
        {{attributes}}
        public partial class SkeletonDemo;
        """;

    [Fact]
    public void Skeleton_compiles_without_warnings_and_matches_its_snapshot()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declaration()], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Contains("App.SkeletonDemo.g.cs", GeneratorHarness.HintNames(driver));
        Snapshot.Verify(GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs"), "SkeletonDemo");
    }

    [Fact]
    public void An_embedded_skeleton_opens_its_object_from_the_assembly_and_compiles_without_warnings()
    {
        string source = Declaration().Replace($"[Nectar.BpfObject(\"{ObjectPath}\")]", $"[Nectar.BpfObject(\"{ObjectPath}\", Embed = true)]");
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string skeleton = GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs");
        Assert.Contains("public const string ResourceName = \"bpf/\" + ObjectFileName;", skeleton);
        Assert.Contains("assembly.GetManifestResourceStream(ResourceName)", skeleton);
        Assert.Contains("BpfObjectSpec.Parse(image, \"skeleton_demo\")", skeleton);
        Assert.DoesNotContain("AppContext.BaseDirectory", skeleton);
    }

    [Fact]
    public void Ring_record_markers_are_not_skeleton_properties()
    {
        // exec_observer.bpf.c declares NECTAR_RING_RECORD(events, struct exec_event): a global
        // __nectar_record_events pointer that only keeps the struct in BTF.
        string declaration = $$"""
            namespace App;
            [Nectar.BpfObject("{{BpfObjects.PathOf("exec_observer")}}")]
            [Nectar.RingBufferEvent("events", "exec_event")]
            public partial class ExecObserver;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([declaration], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string skeleton = GeneratorHarness.Generated(driver, "App.ExecObserver.g.cs");
        Assert.Contains("ConsumeEvents(", skeleton);
        Assert.DoesNotContain("__nectar_record", skeleton);
        Assert.DoesNotContain("NectarRecord", skeleton);
    }

    private static string ExecObserverDeclaration(string attributes) => $$"""
        namespace App;
        [Nectar.BpfObject("{{BpfObjects.PathOf("exec_observer")}}")]
        {{attributes}}
        public partial class ExecObserver;
        """;

    [Fact]
    public void A_ring_record_declared_in_c_types_the_ring_buffer_as_the_attribute_would()
    {
        // exec_observer.bpf.c declares NECTAR_RING_RECORD(events, struct exec_event).
        var (output, diagnostics, driver) = GeneratorHarness.Run([ExecObserverDeclaration("")], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string fromC = GeneratorHarness.Generated(driver, "App.ExecObserver.g.cs");
        Assert.Contains("ConsumeEvents(", fromC);
        Assert.Contains("struct ExecEvent", fromC);

        var (_, _, withAttribute) = GeneratorHarness.Run([ExecObserverDeclaration("[Nectar.RingBufferEvent(\"events\", \"exec_event\")]")], btfPath: null);
        Assert.Equal(GeneratorHarness.Generated(withAttribute, "App.ExecObserver.g.cs"), fromC);
    }

    [Fact]
    public void An_attribute_that_disagrees_with_the_ring_record_wins_with_a_warning_naming_both()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run(
            [ExecObserverDeclaration("[Nectar.RingBufferEvent(\"events\", \"task_struct\")]")], btfPath: null);
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NECTAR015", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("'events' as task_struct", d.GetMessage());
        Assert.Contains("NECTAR_RING_RECORD(events, struct exec_event)", d.GetMessage());
        Assert.Empty(GeneratorHarness.Problems(output));
        string skeleton = GeneratorHarness.Generated(driver, "App.ExecObserver.g.cs");
        Assert.Matches(@"ConsumeEvents\([^)]*TaskStruct", skeleton);
    }

    [Fact]
    public void A_static_callback_in_a_code_section_of_its_own_is_no_program_of_the_skeleton()
    {
        // callback_sections.bpf.c: static add_index_elsewhere in .text.callbacks, called through
        // bpf_loop by loop_elsewhere; the runtime's loader makes it a subprogram, not a program.
        string declaration = $$"""
            namespace App;
            [Nectar.BpfObject("{{BpfObjects.PathOf("callback_sections")}}")]
            public partial class CallbackSections;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([declaration], btfPath: null);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        string skeleton = GeneratorHarness.Generated(driver, "App.CallbackSections.g.cs");
        Assert.Contains("BpfProgram LoopElsewhere =>", skeleton);
        Assert.DoesNotContain("AddIndexElsewhere", skeleton);
        EveryObjectSkeletonTests.AssertSameProgramsAsTheLoader(skeleton, "callback_sections");
    }

    [Theory]
    [InlineData("bpf/skeleton_demo.bpf.o", "")]                  // relative to the project folder
    [InlineData("skeleton_demo.bpf.o", "/elsewhere/a.bpf.o;{0}")] // a bare name: the object of a <BpfProgram> item
    public void The_object_path_is_found_from_the_project_folder_or_among_the_bpf_program_objects(string path, string built)
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ObjectPath)!, ".."));
        var properties = new Dictionary<string, string>
        {
            ["MSBuildProjectDirectory"] = root,
            ["NectarBpfObjects"] = string.Format(built, ObjectPath),
        };
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declaration().Replace(ObjectPath, path)], btfPath: null, properties: properties);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Contains("public const string ObjectFileName = \"skeleton_demo.bpf.o\";", GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs"));
    }

    [Fact]
    public void Event_and_map_value_structs_have_the_object_btf_layout_and_bitfields_and_text_read_their_bytes()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run([Declaration()], btfPath: null);
        Assert.Empty(diagnostics);
        Assembly assembly = GeneratedAssembly.Load(output);
        BtfData btf = BtfData.Load(ObjectPath);
        Type ev = assembly.GetType("App.SkeletonDemo+Event", throwOnError: true)!;
        LayoutTests.AssertComposite(ev, btf.GetByName("event", BtfKind.Struct), btf);
        LayoutTests.AssertComposite(assembly.GetType("App.SkeletonDemo+SyscallStats", throwOnError: true)!, btf.GetByName("syscall_stats", BtfKind.Struct), btf);

        // flags : 3 and kind : 5 share byte 48, as the BPF program writes them (5 and 17).
        var bytes = new byte[56];
        bytes[48] = 5 | (17 << 3);
        "bash\0zz"u8.CopyTo(bytes.AsSpan(32)); // char comm[16]: its text ends at the first NUL
        object record = GeneratedAssembly.Read(ev, bytes, 0);
        Assert.Equal((byte)5, GeneratedAssembly.Get(record, "Flags"));
        Assert.Equal((byte)17, GeneratedAssembly.Get(record, "Kind"));
        Assert.Equal("bash", GeneratedAssembly.Get(record, "CommText"));
    }

    [Fact]
    public void Every_emission_rule_holds_for_types_nested_in_a_skeleton()
    {
        // The emission fixture's types (unions, anonymous members, bitfields, arrays, pointers, enums,
        // keyword names) asked for by name: nested in the class, they must compile and keep their layout.
        string types = string.Join(", ", EmissionFixture.Types.Select(t => $"\"{t}\""));
        string source = $$"""
            namespace App;
            [Nectar.BpfObject("{{EmissionFixture.ObjectPath}}", Types = new[] { {{types}} })]
            public partial class Emission;
            """;
        var (output, diagnostics, _) = GeneratorHarness.Run([source], btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        BtfData btf = BtfData.Load(EmissionFixture.ObjectPath);
        Type skeleton = GeneratedAssembly.Load(output).GetType("App.Emission", throwOnError: true)!;
        int checkedTypes = 0;
        foreach (Type nested in skeleton.GetNestedTypes().Where(t => t.IsValueType && !t.IsEnum && !t.IsGenericTypeDefinition))
        {
            BtfType? composite = btf.Types.Cast<BtfType?>().FirstOrDefault(t => t!.Value.IsComposite && !t.Value.IsAnonymous &&
                gen::Nectar.Generator.Emit.CSharpNames.Pascal(t.Value.Name) == nested.Name);
            composite ??= btf.SkipModifiersAndTypedefs(btf.Types.First(t => t.Kind == BtfKind.Typedef && gen::Nectar.Generator.Emit.CSharpNames.Pascal(t.Name) == nested.Name).Id);
            LayoutTests.AssertComposite(nested, composite.Value, btf);
            checkedTypes++;
        }
        Assert.True(checkedTypes >= 8, $"only {checkedTypes} nested types checked");
    }

    [Fact]
    public void Settings_written_before_load_land_in_the_object_spec_and_loaded_state_is_refused_until_load()
    {
        var (output, _, _) = GeneratorHarness.Run([Declaration()], btfPath: null);
        Type skeleton = GeneratedAssembly.Load(output).GetType("App.SkeletonDemo", throwOnError: true)!;
        object demo = skeleton.GetMethod("Open", [typeof(string)])!.Invoke(null, [ObjectPath])!;
        var spec = (BpfObjectSpec)skeleton.GetProperty("Spec")!.GetValue(demo)!;

        skeleton.GetProperty("TargetTgid")!.SetValue(demo, 4242u);
        skeleton.GetProperty("WatchedSyscall")!.SetValue(demo, -7L);
        skeleton.GetProperty("Hits")!.SetValue(demo, 9UL);
        Assert.Equal(4242u, spec.Variables["target_tgid"].Get<uint>());
        Assert.Equal(-7L, spec.Variables["watched_syscall"].Get<long>());
        Assert.Equal(9UL, spec.Variables["hits"].Get<ulong>());
        Assert.Equal(-1L, skeleton.GetProperty("LastSyscall")!.GetValue(demo)); // the .data initialiser
        Assert.Equal(false, skeleton.GetProperty("IsLoaded")!.GetValue(demo));

        var refused = Assert.Throws<TargetInvocationException>(() => skeleton.GetProperty("OnSysEnter")!.GetValue(demo));
        Assert.IsType<InvalidOperationException>(refused.InnerException);
        Assert.Contains("call Load() first", refused.InnerException!.Message);
    }

    [Fact]
    public void Open_refuses_an_object_that_is_not_the_one_the_skeleton_was_generated_from()
    {
        var (output, _, _) = GeneratorHarness.Run([Declaration()], btfPath: null);
        Type skeleton = GeneratedAssembly.Load(output).GetType("App.SkeletonDemo", throwOnError: true)!;
        string other = BpfObjects.PathOf("raw_tp_counter");
        var stale = Assert.Throws<TargetInvocationException>(() => skeleton.GetMethod("Open", [typeof(string)])!.Invoke(null, [other]));
        var e = Assert.IsType<InvalidDataException>(stale.InnerException);
        Assert.Contains(other + " is not the object SkeletonDemo was generated from: it has no program 'on_sys_enter'", e.Message);
        Assert.Contains("Rebuild", e.Message);
    }

    [Fact]
    public void Open_without_a_path_names_where_it_looked_and_the_fix()
    {
        var (output, _, _) = GeneratorHarness.Run([Declaration()], btfPath: null);
        Type skeleton = GeneratedAssembly.Load(output).GetType("App.SkeletonDemo", throwOnError: true)!;
        var missing = Assert.Throws<TargetInvocationException>(() => skeleton.GetMethod("Open", Type.EmptyTypes)!.Invoke(null, null));
        var e = Assert.IsType<FileNotFoundException>(missing.InnerException);
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "bpf", "skeleton_demo.bpf.o"), e.Message);
        Assert.Contains("<BpfProgram>", e.Message);
    }

    [Fact]
    public void A_ring_buffer_without_an_event_type_is_offered_as_bytes_with_an_info_naming_the_attribute()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declaration(attributes: "")], btfPath: null);
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NECTAR014", d.Id);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Contains("[RingBufferEvent(\"events\",", d.GetMessage());
        Assert.Empty(GeneratorHarness.Problems(output));
        string text = GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs");
        Assert.Contains("public global::Nectar.Maps.BpfMap Events =>", text);
        Assert.DoesNotContain("ConsumeEvents", text);
        Assert.DoesNotContain("struct Event", text);
    }

    [Fact]
    public void Types_asks_for_more_structs_by_name()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run(
            [Declaration(attributes: "[Nectar.RingBufferEvent(\"events\", \"event\")]").Replace(".bpf.o\")]", ".bpf.o\", Types = new[] { \"bpf_raw_tracepoint_args\" })]")],
            btfPath: null);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Contains("public partial struct BpfRawTracepointArgs", GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs"));
    }
}
