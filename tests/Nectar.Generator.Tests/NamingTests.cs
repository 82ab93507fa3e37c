extern alias gen;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>
/// The one naming rule of generated code, applied to kernel types, tracepoint records and arguments
/// and skeletons alike: PascalCase names, <c>char[N]</c> as <c>InlineArrayN&lt;byte&gt;</c> with a
/// <c>NameText</c> accessor, one set of inline arrays per compilation, name clashes reported
/// (NECTAR021 in skeletons, NECTAR022 in kernel types), and raw tracepoint arguments viewed from a
/// copy of <c>u64 args[N]</c> without Unsafe.
/// </summary>
public class NamingTests
{
    [Theory]
    [InlineData("task_struct", "TaskStruct")]
    [InlineData("old_pid", "OldPid")]
    [InlineData("__u64", "U64")]
    [InlineData("__state", "State")]
    [InlineData("PIDTYPE_PID", "PidtypePid")]
    [InlineData("sk_buffHead", "SkBuffHead")]
    [InlineData("pad_1", "Pad_1")]
    [InlineData("pad1", "Pad1")]
    [InlineData("in6_addr", "In6Addr")]
    [InlineData("p", "P")]
    [InlineData("new", "New")]
    [InlineData("__", "_")]
    public void The_naming_rule_turns_c_names_into_pascal_case(string c, string csharp)
        => Assert.Equal(csharp, gen::Nectar.Generator.Emit.CSharpNames.Pascal(c));

    [Fact]
    public void A_program_and_a_struct_of_one_name_are_a_clash_reported_as_a_warning_and_resolved_by_kind()
    {
        string source = $$"""
            namespace App;
            [Nectar.BpfObject("{{BpfObjects.PathOf("name_clash")}}")]
            public partial class Exits;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], btfPath: null);
        Assert.Empty(GeneratorHarness.Problems(output));
        var clashes = diagnostics.Where(d => d.Id == "NECTAR021").ToList();
        Assert.All(clashes, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(clashes, d => d.GetMessage().Contains("program 'raw_exit' and struct raw_exit both become RawExit") && d.GetMessage().Contains("is RawExitProgram"));
        Assert.Contains(clashes, d => d.GetMessage().Contains("members 'd_name' and '__d_name' both become DName: d_name keeps it, __d_name is DName_2"));
        Assert.Equal(2, clashes.Count);

        string skeleton = GeneratorHarness.Generated(driver, "App.Exits.g.cs");
        Assert.Contains("public global::Nectar.Programs.BpfProgram RawExitProgram => Object.Programs[\"raw_exit\"];", skeleton);
        Assert.Contains("public partial struct RawExit", skeleton);
        Assert.Contains("(C: raw_exit.__d_name) at offset 20.</summary>\n            [FieldOffset(20)] public uint DName_2;", skeleton);
        Assert.Contains("[FieldOffset(16)] public uint DName;", skeleton);
    }

    [Fact]
    public void Kernel_names_that_clash_are_an_info_and_the_one_with_fewer_underscores_keeps_the_name()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run(["[assembly: Nectar.KernelType(\"dentry\")]"], GeneratorHarness.VmlinuxPath);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Diagnostic clash = Assert.Single(diagnostics, d => d.Id == "NECTAR022" && d.GetMessage().Contains("'d_name'"));
        Assert.Equal(DiagnosticSeverity.Info, clash.Severity);
        Assert.Contains("d_name keeps it, __d_name is DName_2", clash.GetMessage());
        string dentry = GeneratorHarness.Generated(driver, "Nectar.Kernel.Dentry.g.cs");
        Assert.Contains("public const string BtfName = \"dentry\";", dentry);
        Assert.Contains("(C: dentry.d_name), through Anonymous", dentry);
    }

    private const string AllThreeKinds = """
        [assembly: Nectar.KernelType("task_struct")]
        namespace App
        {
            [Nectar.Tracepoint("sched", "sched_switch")]
            public partial struct Switch;

            [Nectar.BpfObject("SKELETON")]
            [Nectar.RingBufferEvent("events", "event")]
            public partial class SkeletonDemo;
        }
        """;

    private static (Assembly Assembly, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriver Driver) KernelRecordAndSkeleton()
    {
        string source = AllThreeKinds.Replace("SKELETON", BpfObjects.PathOf("skeleton_demo"));
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath,
            [Fixtures.PathOf("tracefs/sched/sched_switch/format")]);
        Assert.Empty(GeneratorHarness.Problems(output));
        return (GeneratedAssembly.Load(output), diagnostics, driver);
    }

    [Fact]
    public void A_char_array_is_one_inline_array_of_bytes_shared_by_kernel_types_records_and_skeletons()
    {
        var (assembly, _, driver) = KernelRecordAndSkeleton();
        Type kernel = assembly.GetType("Nectar.Kernel.TaskStruct", throwOnError: true)!;
        Type record = assembly.GetType("App.Switch", throwOnError: true)!;
        Type skeletonEvent = assembly.GetType("App.SkeletonDemo+Event", throwOnError: true)!;
        Type comm = kernel.GetField("Comm")!.FieldType;
        Assert.Equal("Nectar.Kernel.InlineArray16`1[System.Byte]", comm.ToString());
        Assert.Same(comm, record.GetField("PrevComm")!.FieldType);
        Assert.Same(comm, skeletonEvent.GetField("Comm")!.FieldType);
        // One definition per length in the compilation, in the one support source.
        Assert.Single(assembly.GetTypes(), t => t.Name == "InlineArray16`1");
        Assert.Single(GeneratorHarness.HintNames(driver), h => h == "Nectar.Kernel.Support.g.cs");
        Assert.DoesNotContain("InlineArray16<T>", GeneratorHarness.Generated(driver, "App.SkeletonDemo.g.cs"));
    }

    [Fact]
    public void Kernel_types_records_and_skeleton_structs_have_the_same_text_accessor()
    {
        var (assembly, _, _) = KernelRecordAndSkeleton();
        Assert.Equal("bash", TextOf(assembly.GetType("Nectar.Kernel.TaskStruct")!, "Comm"));
        Assert.Equal("bash", TextOf(assembly.GetType("App.Switch")!, "PrevComm"));
        Assert.Equal("bash", TextOf(assembly.GetType("App.SkeletonDemo+Event")!, "Comm"));
    }

    // Writes "bash\0zz" where the field is and reads NameText back (the text ends at the first NUL).
    private static object? TextOf(Type type, string field)
    {
        var bytes = new byte[GeneratedAssembly.SizeOf(type)];
        "bash\0zz"u8.CopyTo(bytes.AsSpan(GeneratedAssembly.OffsetOf(type.GetField(field)!)));
        return GeneratedAssembly.Get(GeneratedAssembly.Read(type, bytes, 0), field + "Text");
    }

    [Fact]
    public void Raw_tracepoint_arguments_are_a_view_of_a_skeleton_events_args_without_unsafe()
    {
        string source = $$"""
            namespace App
            {
                [Nectar.BpfObject("{{BpfObjects.PathOf("exec_observer")}}")]
                public partial class ExecObserver;

                [Nectar.RawTracepoint("sched_process_exec")]
                public partial struct SchedProcessExecArgs;

                public static class Check
                {
                    public static int OldPidFromEvent(int oldPid)
                    {
                        var e = default(ExecObserver.ExecEvent);
                        e.Args[1] = unchecked((ulong)(long)oldPid);
                        ref readonly SchedProcessExecArgs args = ref SchedProcessExecArgs.FromArgs(e.Args);
                        return args.OldPid;
                    }

                    public static string TooFewSlots()
                    {
                        try { _ = SchedProcessExecArgs.FromArgs(new ulong[2]); return "no exception"; }
                        catch (System.ArgumentException e) { return e.Message; }
                    }
                }
            }
            """;
        var (output, diagnostics, _) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")]);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Type check = GeneratedAssembly.Load(output).GetType("App.Check", throwOnError: true)!;
        Assert.Equal(-4242, check.GetMethod("OldPidFromEvent")!.Invoke(null, [-4242]));
        Assert.StartsWith("sched_process_exec has 3 arguments, but the span holds 2 slots.", (string)check.GetMethod("TooFewSlots")!.Invoke(null, null)!);
    }

    [Fact]
    public void A_syscall_records_int_in_an_eight_byte_slot_is_an_int()
    {
        // sys_enter_openat: "field:int dfd; offset:16; size:8; signed:0;" (every syscall argument is stored as an unsigned long).
        const string source = """
            namespace App;
            [Nectar.Tracepoint("syscalls", "sys_enter_openat")]
            public partial struct Openat;
            """;
        var (output, diagnostics, driver) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath,
            [Fixtures.PathOf("tracefs/syscalls/sys_enter_openat/format")]);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Empty(diagnostics);
        string record = GeneratorHarness.Generated(driver, "App.Openat.g.cs");
        Assert.Contains("[FieldOffset(16)] public int Dfd;", record);
        Assert.Contains("[FieldOffset(32)] public int Flags;", record);
        Assert.Contains("[FieldOffset(40)] public ushort Mode;", record); // umode_t, through the BTF typedef
        Assert.Contains("[StructLayout(LayoutKind.Explicit, Size = 48, Pack = 1)]", record);

        Type openat = GeneratedAssembly.Load(output).GetType("App.Openat", throwOnError: true)!;
        var bytes = new byte[48];
        BitConverter.GetBytes(0x00000000_ffffff9cUL).CopyTo(bytes, 16); // AT_FDCWD as the 32-bit register held it
        Assert.Equal(-100, GeneratedAssembly.Get(GeneratedAssembly.Read(openat, bytes, 0), "Dfd"));
    }
}
