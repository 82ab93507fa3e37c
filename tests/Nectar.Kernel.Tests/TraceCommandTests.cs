using System.Diagnostics;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar trace OBJ`, run as a process: typed ring buffer records, log lines, exit codes.</summary>
public class TraceCommandTests
{
    [KernelFact]
    public void Prints_ring_buffer_records_field_by_field_while_attached()
    {
        var (result, path) = TraceWhileExecuting("exec_observer");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("2 program(s) of exec_observer.bpf.o attached; printing events.", result.Error);
        Assert.Matches($@"events: exec_event {{ args: \[\d+, (?<pid>\d+), \d+\], timestamp_ns: \d+, pid: \k<pid>, uid: \d+, filename: ""{path}"", bprm_size: [1-9]\d*, ", result.Output);
    }

    [KernelFact]
    public void Prints_nectar_log_lines()
    {
        var (result, path) = TraceWhileExecuting("log_exec");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches($@"Z INFO raw_trace_sched_process_exec: task\.pid: \d+, old_pid: \d+, linux_binprm\.filename: {path}, ctx\.uid: \d+", result.Output);
    }

    [KernelFact]
    public void Not_an_object_is_one_line_and_exit_code_1()
    {
        string notElf = Path.Combine(Fixtures.Directory, "..", "..", "README.md");
        var result = NectarCli.Run("trace", notElf);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^nectar trace: .*not an ELF file.*\n$", result.Error);
    }

    [KernelFact]
    public void A_verifier_rejection_is_one_line_and_exit_code_2()
    {
        var result = NectarCli.Run("trace", BpfObjects.PathOf("verifier_reject"));
        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^nectar trace: The verifier rejected program 'unchecked_lookup'[^\n]*bpf/verifier_reject\.bpf\.c:9:[^\n]*\n$", result.Error);
    }

    /// <summary>Runs `nectar trace` for 4 seconds while execing a uniquely named copy of /bin/true.</summary>
    private static (Processes.Result Result, string Path) TraceWhileExecuting(string objectName)
    {
        string directory = Directory.CreateTempSubdirectory("nectar-trace-").FullName;
        try
        {
            string path = Path.Combine(directory, "traced");
            File.Copy("/bin/true", path);
            var trace = Task.Run(() => NectarCli.Run("trace", BpfObjects.PathOf(objectName), "--duration", "4"));
            while (!trace.IsCompleted)
            {
                using (var process = Process.Start(path))
                    process.WaitForExit();
                Thread.Sleep(100);
            }
            return (trace.Result, path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
