using System.Diagnostics;
using System.Runtime.InteropServices;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Samples;

/// <summary>The exec observer run as its user runs it: a process, stopped with Ctrl-C (SIGINT).</summary>
public partial class ExecObserverProcessTests
{
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "ExecObserver.dll");

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Ctrl_C_detaches_and_exits_zero()
    {
        var start = new ProcessStartInfo(NectarCli.DotnetHost, [Sample, "--mode", "raw"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string? attached = process.StandardError.ReadLine();
        try
        {
            Assert.NotNull(attached);
            var id = System.Text.RegularExpressions.Regex.Match(attached, @"attached to sched_process_exec \(program id (\d+)\)");
            Assert.True(id.Success, attached);
            Assert.Contains($"prog_id {id.Groups[1].Value}  raw_tracepoint  sched_process_exec", Bpftool.Run("perf"));

            Assert.Equal(0, Kill(process.Id, SigInt));
            Assert.True(process.WaitForExit(10_000), "the sample did not stop after SIGINT");
            Assert.Equal(0, process.ExitCode);
            Assert.Matches(@"^ExecObserver: detached after \d+ exec\(s\) observed, \d+ written, 0 dropped\.", process.StandardError.ReadToEnd());
            Assert.DoesNotContain($"prog_id {id.Groups[1].Value} ", Bpftool.Run("perf"));
            Assert.Contains("INFO raw_trace_sched_process_exec: task.pid: ", output.Result);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }

    [KernelFact]
    public void Without_privileges_it_says_what_it_needs_and_exits_non_zero()
    {
        var result = Processes.RunUnprivileged(NectarCli.DotnetHost, Sample);

        Assert.Equal(77, result.ExitCode);
        Assert.Matches(@"^ExecObserver: [^\n]*CAP_BPF and CAP_PERFMON[^\n]*\n$", result.Error);
    }

    private const int SigInt = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
