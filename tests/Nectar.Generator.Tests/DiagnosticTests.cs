using Microsoft.CodeAnalysis;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>Each diagnostic the generator reports: stable id, severity, where, and a message naming the fix.</summary>
public class DiagnosticTests
{
    private static Diagnostic Only(IEnumerable<Diagnostic> diagnostics, string id) => Assert.Single(diagnostics, d => d.Id == id);

    [Fact]
    public void Unknown_kernel_type_is_an_error_on_the_attribute_with_did_you_mean()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[assembly: Nectar.KernelType(\"task_strukt\")]"], GeneratorHarness.VmlinuxPath);
        Diagnostic d = Only(diagnostics, "NECTAR003");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("Did you mean 'task_struct'", d.GetMessage());
        Assert.Equal(0, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(11, d.Location.GetLineSpan().StartLinePosition.Character);
    }

    [Theory]
    [InlineData("pid_t", "'pid_t' is a typedef of '__kernel_pid_t' ('int')", "use int where C uses pid_t")]
    [InlineData("u64", "'u64' is a typedef of '__u64' ('long long unsigned int')", "use ulong where C uses u64")]
    [InlineData("bool", "'bool' is a typedef of '_Bool'", "use bool where C uses bool")]
    public void A_typedef_of_a_scalar_is_a_warning_that_names_the_csharp_type_to_use(string name, string what, string fix)
    {
        var (output, diagnostics, _) = GeneratorHarness.Run([$"[assembly: Nectar.KernelType(\"{name}\")]"], GeneratorHarness.VmlinuxPath);
        Diagnostic d = Only(diagnostics, "NECTAR011");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains(what, d.GetMessage());
        Assert.Contains(fix, d.GetMessage());
        Assert.DoesNotContain(diagnostics, x => x.Id == "NECTAR003");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Unknown_raw_tracepoint_is_an_error_with_did_you_mean()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[Nectar.RawTracepoint(\"sched_process_exek\")] partial struct A;"], GeneratorHarness.VmlinuxPath);
        Diagnostic d = Only(diagnostics, "NECTAR004");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("Did you mean 'sched_process_exec'", d.GetMessage());
    }

    [Fact]
    public void Missing_btf_is_an_error_that_names_the_property()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[assembly: Nectar.KernelType(\"task_struct\")]"], btfPath: null);
        Diagnostic d = Only(diagnostics, "NECTAR001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("NectarBtf", d.GetMessage());
    }

    [Fact]
    public void A_btf_path_that_does_not_exist_is_reported_with_the_path()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[assembly: Nectar.KernelType(\"task_struct\")]"], "/nonexistent/vmlinux.btf");
        Assert.Contains("/nonexistent/vmlinux.btf", Only(diagnostics, "NECTAR002").GetMessage());
    }

    [Fact]
    public void Malformed_btf_is_an_error_that_says_what_is_wrong_and_where()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nectar-truncated-{Environment.ProcessId}.btf");
        File.WriteAllBytes(path, File.ReadAllBytes(GeneratorHarness.VmlinuxPath).AsSpan(0, 4000).ToArray());
        try
        {
            var (output, diagnostics, _) = GeneratorHarness.Run(["[assembly: Nectar.KernelType(\"task_struct\")]"], path);
            Diagnostic d = Only(diagnostics, "NECTAR002");
            Assert.Contains("Malformed BTF", d.GetMessage());
            Assert.Contains(path, d.GetMessage());
            Assert.DoesNotContain(output.GetDiagnostics(), x => x.Id == "CS8785"); // the generator did not crash
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Two_tracepoints_on_one_struct_conflict()
    {
        const string source = """
            [Nectar.RawTracepoint("sched_process_exec")] partial struct A;
            [Nectar.Tracepoint("sched", "sched_process_exec")] partial struct A;
            """;
        var (_, diagnostics, _) = GeneratorHarness.Run([source], GeneratorHarness.VmlinuxPath);
        Diagnostic d = Only(diagnostics, "NECTAR007");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'A'", d.GetMessage());
    }

    [Fact]
    public void A_struct_that_is_not_partial_is_an_error()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[Nectar.RawTracepoint(\"sched_process_exec\")] struct A {}"], GeneratorHarness.VmlinuxPath);
        Assert.Contains("partial", Only(diagnostics, "NECTAR010").GetMessage());
    }

    [Fact]
    public void Unknown_classic_tracepoint_is_an_error_that_says_which_format_file_to_add()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(["[Nectar.Tracepoint(\"sched\", \"sched_process_exek\")] partial struct A;"], GeneratorHarness.VmlinuxPath);
        Diagnostic d = Only(diagnostics, "NECTAR008");
        Assert.Contains("/sys/kernel/tracing/events/sched/sched_process_exek/format", d.GetMessage());
        Assert.Contains("Did you mean 'sched_process_exec'", d.GetMessage());
    }

    [Fact]
    public void A_header_that_disagrees_with_btf_gives_a_warning_showing_both()
    {
        string header = Path.Combine(Path.GetTempPath(), $"nectar-wrong-{Environment.ProcessId}.h");
        File.WriteAllText(header, "TRACE_EVENT(sched_process_exec, TP_PROTO(struct task_struct *p, long old_pid), TP_ARGS(p, old_pid));");
        try
        {
            var (output, diagnostics, _) = GeneratorHarness.Run(["[Nectar.RawTracepoint(\"sched_process_exec\")] partial struct A;"], GeneratorHarness.VmlinuxPath, [header]);
            Diagnostic d = Only(diagnostics, "NECTAR006");
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.Contains("header says sched_process_exec(struct task_struct *p, long old_pid)", d.GetMessage());
            Assert.Contains("BTF says sched_process_exec(struct task_struct *, pid_t, struct linux_binprm *)", d.GetMessage());
        }
        finally
        {
            File.Delete(header);
        }
    }

    [Fact]
    public void A_malformed_format_file_is_a_warning_and_is_ignored()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"nectar-format-{Environment.ProcessId}", "sched", "bad");
        Directory.CreateDirectory(folder);
        string format = Path.Combine(folder, "format");
        File.WriteAllText(format, "ID: 1\nformat:\n");
        try
        {
            var (_, diagnostics, _) = GeneratorHarness.Run(["[Nectar.Tracepoint(\"sched\", \"sched_process_exec\")] partial struct A;"],
                GeneratorHarness.VmlinuxPath, [format]);
            Diagnostic d = Only(diagnostics, "NECTAR009");
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.Contains("no 'name:' line", d.GetMessage());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(folder))!, recursive: true);
        }
    }

    [Fact]
    public void Without_the_runtime_reference_the_generator_supplies_kernel_ptr_itself()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run(
            ["[assembly: Nectar.KernelType(\"linux_binprm\")]\n[Nectar.RawTracepoint(\"sched_process_exec\")] partial struct A;"],
            GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")], withRuntime: false);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Contains("public readonly struct KernelPtr<T>", GeneratorHarness.Generated(driver, "Nectar.KernelPtr.g.cs"));
    }
}
