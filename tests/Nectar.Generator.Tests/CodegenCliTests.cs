extern alias gen;
using System.Text.Json;
using gen::Nectar.Generator.Emit;
using gen::Nectar.Generator.Model;
using Nectar.Testing;
using GenBtf = gen::Nectar.Btf.Btf;

namespace Nectar.Generator.Tests;

/// <summary>`nectar codegen` and `nectar tracepoints` run as processes, on the committed fixtures.</summary>
public class CodegenCliTests
{
    private static string SchedHeader => Fixtures.PathOf("trace-headers/sched.h");

    [Fact]
    public void Codegen_writes_the_shared_emitters_output_for_task_struct_and_it_compiles()
    {
        string output = Path.Combine(Path.GetTempPath(), "nectar-codegen-" + Guid.NewGuid() + ".cs");
        try
        {
            var run = NectarCli.Run("codegen", "--type", "task_struct", "--btf", Fixtures.VmlinuxBtfPath, "-o", output);
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
            string written = File.ReadAllText(output);

            var request = new CodegenRequest(
                new[] { new KernelTypeRequest("task_struct", null) }.ToEquatableArray(),
                EquatableArray<RawTracepointRequest>.Empty,
                EquatableArray<TracepointRecordRequest>.Empty);
            var (expected, diagnostics) = Codegen.GenerateSingleFile(GenBtf.Parse(Fixtures.VmlinuxBtfBytes), request, [], []);
            Assert.Empty(diagnostics);
            Assert.Equal(expected, written);
            Assert.Contains("public partial struct TaskStruct", written);
            Assert.Empty(GeneratorHarness.Problems(GeneratorHarness.Compilation([written])));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Tracepoints_lists_sched_process_exec_with_btf_names_and_says_where_they_came_from()
    {
        var run = NectarCli.Run("tracepoints", "--btf", Fixtures.VmlinuxBtfPath, "sched_process_exec");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)  // names: __traceiter_sched_process_exec"], lines);
    }

    [Fact]
    public void Tracepoints_json_parses_and_names_the_arguments_from_btf_even_with_headers_given()
    {
        var run = NectarCli.Run("tracepoints", "--headers", SchedHeader, "--btf", Fixtures.VmlinuxBtfPath, "--json", "sched_process_*");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement exec = json.RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "sched_process_exec");
        Assert.Equal("traceiter", exec.GetProperty("namesFrom").GetString());
        Assert.Equal("__traceiter_sched_process_exec", exec.GetProperty("namesOrigin").GetString());
        var arguments = exec.GetProperty("arguments").EnumerateArray()
            .Select(a => (a.GetProperty("type").GetString(), a.GetProperty("name").GetString())).ToArray();
        Assert.Equal([("struct task_struct *", "p"), ("pid_t", "old_pid"), ("struct linux_binprm *", "bprm")], arguments);
        Assert.All(json.RootElement.EnumerateArray(), t => Assert.StartsWith("sched_process_", t.GetProperty("name").GetString()));
    }

    [Fact]
    public void Tracepoints_without_a_pattern_names_every_raw_tracepoint_of_the_fixture()
    {
        var run = NectarCli.Run("tracepoints", "--btf", Fixtures.VmlinuxBtfPath);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int typedefs = Fixtures.VmlinuxBtf.Types.Count(t => t.Kind == Nectar.Btf.BtfKind.Typedef && t.Name.StartsWith("btf_trace_", StringComparison.Ordinal));
        Assert.Equal(typedefs, lines.Length);
        Assert.All(lines, l => Assert.Contains("  // names: __traceiter_", l));
    }

    [OracleFact(Oracle.Clang)]
    public void Bpf_handler_prototypes_of_every_raw_tracepoint_compile_against_the_fixtures_vmlinux_h()
    {
        // bpf/include/vmlinux.h is the C dump of the fixture BTF, so the prototypes name its types.
        var run = NectarCli.Run("tracepoints", "--btf", Fixtures.VmlinuxBtfPath, "--format", "bpf");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        int typedefs = Fixtures.VmlinuxBtf.Types.Count(t => t.Kind == Nectar.Btf.BtfKind.Typedef && t.Name.StartsWith("btf_trace_", StringComparison.Ordinal));
        Assert.Equal(typedefs, CountOf(run.Output, "SEC(\"tp_btf/"));
        Assert.Equal(typedefs, CountOf(run.Output, "SEC(\"raw_tp/"));
        Assert.Contains("SEC(\"tp_btf/sched_process_exec\")\nint BPF_PROG(handle_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)\n", run.Output);
        Assert.Contains("SEC(\"raw_tp/sched_process_exec\")\nint BPF_PROG(handle_raw_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)\n", run.Output);

        var dir = Directory.CreateTempSubdirectory("nectar-bpf-prototypes-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "handlers.bpf.c"), run.Output + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
            string include = Path.Combine(Fixtures.Directory, "..", "..", "bpf", "include");
            var compile = Processes.Run(Clang.Command, ["-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I", include, "-Werror",
                "-Wno-unused-command-line-argument", "-c", "handlers.bpf.c", "-o", "handlers.bpf.o"], dir.FullName, TimeSpan.FromMinutes(5));
            Assert.True(compile.ExitCode == 0, $"clang-16 exit {compile.ExitCode}: {compile.Error[..Math.Min(compile.Error.Length, 4000)]}");
            Assert.True(new FileInfo(Path.Combine(dir.FullName, "handlers.bpf.o")).Length > 0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [Fact]
    public void Bench_layout_prints_the_three_read_costs()
    {
        var run = NectarCli.Run("bench", "layout", "--iterations", "1000");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        foreach (string line in new[] { "MemoryMarshal.Read", "layouts match", "layouts differ" })
            Assert.Matches(line + @"\s+\d+\.\d ns/read", run.Output);
        Assert.Contains("member 'vma' is at byte 8 (8 bytes) on the running kernel, at byte 0 (8 bytes) in the generated layout", run.Output);
    }

    [Fact]
    public void Codegen_of_an_unknown_type_fails_with_one_did_you_mean_line()
    {
        var run = NectarCli.Run("codegen", "--type", "task_strct", "--btf", Fixtures.VmlinuxBtfPath);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("", run.Output);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.Contains("task_strct", line);
        Assert.Contains("did you mean", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("task_struct", line.Substring(line.IndexOf("did you mean", StringComparison.OrdinalIgnoreCase)));
    }
}
