extern alias gen;
using Microsoft.CodeAnalysis;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

public class TracepointSnapshotTests
{
    private const string Declarations = """
        [assembly: Nectar.KernelType("task_struct")]
        [assembly: Nectar.KernelType("linux_binprm")]

        namespace Observer;

        [Nectar.RawTracepoint("sched_process_exec")]
        public partial struct SchedProcessExecArgs;

        [Nectar.Tracepoint("sched", "sched_process_exec")]
        public partial struct SchedProcessExecRecord;
        """;

    private static readonly string[] Inputs =
        [Fixtures.PathOf("trace-headers/sched.h"), Fixtures.PathOf("tracefs/sched/sched_process_exec/format")];

    [Fact]
    public void Sched_process_exec_args_are_typed_and_named_from_btf_and_the_header()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declarations], GeneratorHarness.VmlinuxPath, Inputs);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string args = GeneratorHarness.Generated(driver, "Observer.SchedProcessExecArgs.g.cs");
        Assert.Contains("public global::Nectar.KernelPtr<global::Nectar.Kernel.TaskStruct> P => ", args);
        Assert.Contains("public int OldPid => unchecked((int)_arg1);", args);
        Assert.Contains("public global::Nectar.KernelPtr<global::Nectar.Kernel.LinuxBinprm> Bprm => ", args);
        Snapshot.Verify(args, "SchedProcessExecArgs");
    }

    [Fact]
    public void Sched_process_exec_record_from_the_format_file_decodes_its_data_loc_filename()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declarations], GeneratorHarness.VmlinuxPath, Inputs);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Snapshot.Verify(GeneratorHarness.Generated(driver, "Observer.SchedProcessExecRecord.g.cs"), "SchedProcessExecRecord");
    }

    [Fact]
    public void Sched_process_exec_record_from_btf_matches_the_format_file_layout()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declarations], GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")]);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string fromBtf = GeneratorHarness.Generated(driver, "Observer.SchedProcessExecRecord.g.cs");
        foreach (string field in new[] { "[FieldOffset(0)] public ushort CommonType;", "[FieldOffset(4)] public int CommonPid;",
                     "[FieldOffset(8)] public uint FilenameLocation;", "[FieldOffset(12)] public int Pid;", "[FieldOffset(16)] public int OldPid;" })
            Assert.Contains(field, fromBtf);
        Snapshot.Verify(fromBtf, "SchedProcessExecRecord.FromBtf");
    }

    [Fact]
    public void Without_headers_the_arguments_are_named_from_btf_and_nothing_is_reported()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declarations], GeneratorHarness.VmlinuxPath);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Snapshot.Verify(GeneratorHarness.Generated(driver, "Observer.SchedProcessExecArgs.g.cs"), "SchedProcessExecArgs"); // the same text as with the header
    }

    [Fact]
    public void Without_names_in_btf_or_a_prototype_arguments_are_numbered_and_an_info_diagnostic_says_why()
    {
        // BTF with the tracepoint's typedef but none of the FUNCs that name its parameters (as a kernel may strip them).
        var b = new gen::Nectar.Btf.BtfBuilder();
        uint voidPtr = b.AddPointer(0);
        uint integer = b.AddInt("int", 4, gen::Nectar.Btf.BtfIntEncoding.Signed);
        b.AddTypedef("btf_trace_cpu_idle", b.AddPointer(b.AddFuncProto(0, [new(string.Empty, voidPtr), new(string.Empty, integer), new(string.Empty, integer)])));
        string path = Path.Combine(Path.GetTempPath(), $"nectar-unnamed-{Environment.ProcessId}.btf");
        File.WriteAllBytes(path, b.ToArray());
        try
        {
            var (output, diagnostics, driver) = GeneratorHarness.Run(["namespace Observer; [Nectar.RawTracepoint(\"cpu_idle\")] public partial struct Idle;"], path);
            Diagnostic info = Assert.Single(diagnostics, d => d.Id == "NECTAR005");
            Assert.Equal(DiagnosticSeverity.Info, info.Severity);
            Assert.Contains("Arg0..Arg1", info.GetMessage());
            Assert.Contains("__traceiter_cpu_idle", info.GetMessage());
            Assert.Equal("/src/File0.cs", info.Location.GetLineSpan().Path);
            string args = GeneratorHarness.Generated(driver, "Observer.Idle.g.cs");
            Assert.Contains(" Arg1 => unchecked((int)_arg1);", args);
            Assert.Empty(GeneratorHarness.Problems(output));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_define_event_record_without_a_format_file_comes_from_its_class_in_btf()
    {
        const string source = "[Nectar.Tracepoint(\"sched\", \"sched_wakeup\")] public partial struct Wakeup;";
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")]);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        string record = GeneratorHarness.Generated(driver, "Wakeup.g.cs");
        Assert.Contains("fields from BTF struct trace_event_raw_sched_wakeup_template", record);
        Assert.Contains("public global::Nectar.Kernel.InlineArray16<byte> Comm;", record);
        Assert.Contains("public readonly string CommText => ", record);
    }

    [Fact]
    public void Declarations_nested_in_types_and_in_the_global_namespace_compile()
    {
        const string source = """
            namespace Outer.Inner
            {
                public static partial class Probes
                {
                    [Nectar.RawTracepoint("sched_process_exec")] public partial struct Exec;
                }
            }
            [Nectar.RawTracepoint("sched_process_fork")] partial struct Fork;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")]);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Contains("partial class Probes", GeneratorHarness.Generated(driver, "Outer.Inner.Probes.Exec.g.cs"));
        Assert.Contains("public global::Nectar.KernelPtr Child => ", GeneratorHarness.Generated(driver, "Fork.g.cs"));
    }
}
