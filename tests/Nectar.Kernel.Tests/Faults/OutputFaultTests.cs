using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>
/// Output is part of the data path: a full device or a reader that went away stops the program,
/// detached, with the error named and lines produced vs written. Before, the sample swallowed
/// both (the console logger drops write errors; Console ignores EPIPE) and kept running attached.
/// </summary>
public class OutputFaultTests
{
    private static readonly TimeSpan Stop = TimeSpan.FromSeconds(20);

    [KernelFact]
    public void The_sample_on_a_full_device_names_the_error_detaches_and_exits_1()
    {
        using var storm = new ExecStorm();
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"], stdoutRedirect: ">/dev/full");
        sample.WaitUntilAttached();
        storm.Run(threads: 1, perThread: 5);

        Assert.Equal(1, sample.WaitForExit(Stop));
        Assert.Matches(@"ExecObserver: writing to standard output failed: No space left on device \(errno 28\); detached after [1-9]\d* exec\(s\) observed, 0 written, \d+ dropped\.", sample.ErrorText);
    }

    [KernelFact]
    public void The_sample_on_a_full_file_system_counts_only_the_lines_that_reached_the_file()
    {
        using var tmpfs = SmallTmpfs.Mount(kib: 16);
        string file = Path.Combine(tmpfs.Directory, "execs.log");
        using var storm = new ExecStorm();
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"], stdoutRedirect: $">{file}");
        sample.WaitUntilAttached();
        // 16 KiB hold about 110 lines of about 150 bytes: 300 execs overflow it.
        storm.Run(threads: 2, perThread: 150);

        Assert.Equal(1, sample.WaitForExit(Stop));
        var match = System.Text.RegularExpressions.Regex.Match(sample.ErrorText, @"writing to standard output failed: No space left on device \(errno 28\); detached after (\d+) exec\(s\) observed, (\d+) written");
        Assert.True(match.Success, sample.ErrorText);
        int written = int.Parse(match.Groups[2].Value);
        // Whole lines end with their newline; a line the disk cut short has none.
        Assert.Equal(File.ReadAllText(file).Count(c => c == '\n'), written);
        Assert.True(int.Parse(match.Groups[1].Value) > written, sample.ErrorText);
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void The_sample_whose_reader_closed_the_pipe_detaches_and_exits_0()
    {
        using var storm = new ExecStorm();
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, ["--mode", "raw"]);
        uint id = sample.WaitUntilAttached();
        storm.Run(threads: 1, perThread: 3);
        Assert.NotNull(sample.StandardOutput.ReadLine()); // as `| head -1` reads
        sample.StandardOutput.Close();
        storm.Run(threads: 1, perThread: 20);

        Assert.Equal(0, sample.WaitForExit(Stop));
        Assert.Matches(@"ExecObserver: standard output was closed by its reader; detached after \d+ exec\(s\) observed, \d+ written, \d+ dropped\.", sample.ErrorText);
        Assert.DoesNotContain($"prog_id {id} ", Bpftool.Run("perf"));
    }

    [KernelFact]
    public void Trace_on_a_full_device_names_the_error_and_exits_1()
    {
        using var storm = new ExecStorm();
        using var trace = ObservedProcess.Start(ObservedProcess.ToolPath, ["trace", BpfObjects.PathOf("exec_observer")], stdoutRedirect: ">/dev/full");
        trace.WaitForError(@"program\(s\) of exec_observer\.bpf\.o attached", TimeSpan.FromSeconds(60));
        storm.Run(threads: 1, perThread: 5);

        Assert.Equal(1, trace.WaitForExit(Stop));
        Assert.Matches(@"nectar trace: writing to standard output failed: No space left on device \(errno 28\); detached after [1-9]\d* line\(s\) produced, 0 written", trace.ErrorText);
    }

    [KernelFact]
    public void Trace_whose_reader_closed_the_pipe_exits_0_saying_so()
    {
        using var storm = new ExecStorm();
        using var trace = ObservedProcess.Start(ObservedProcess.ToolPath, ["trace", BpfObjects.PathOf("exec_observer")]);
        trace.WaitForError(@"program\(s\) of exec_observer\.bpf\.o attached", TimeSpan.FromSeconds(60));
        storm.Run(threads: 1, perThread: 3);
        Assert.NotNull(trace.StandardOutput.ReadLine());
        trace.StandardOutput.Close();
        storm.Run(threads: 1, perThread: 20);

        Assert.Equal(0, trace.WaitForExit(Stop));
        Assert.Matches(@"nectar trace: standard output was closed by its reader; detached after \d+ line\(s\) produced, \d+ written", trace.ErrorText);
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Iter_on_a_full_device_names_the_error_and_exits_1()
    {
        // Before: Console's stream threw an IOException out of the verb (exit 70, a stack trace).
        using var iter = ObservedProcess.Start(ObservedProcess.ToolPath, ["iter", BpfObjects.PathOf("task_iter"), "dump_tasks"], stdoutRedirect: ">/dev/full");

        Assert.Equal(1, iter.WaitForExit(Stop));
        Assert.Matches(@"^nectar iter: writing to standard output failed: No space left on device \(errno 28\); 0 byte\(s\) of dump_tasks's output written\.\s*$", iter.ErrorText);
    }
}
