using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nectar.Kernel.Tests.Logging;
using Nectar.Logging;
using Nectar.Samples.ExecObserver;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Samples;

/// <summary>The exec observer sample's core (samples/ExecObserver) against real execs.</summary>
public class ExecObserverTests
{
    [KernelTheory]
    [InlineData(ExecObserverMode.Btf)]
    [InlineData(ExecObserverMode.Raw)]
    public void Each_exec_is_one_line_with_its_pid_file_name_and_uid_under_the_program_name(ExecObserverMode mode)
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory, mode);

        // Distinct paths, so each exec's line is told apart by its file name as well as its pid.
        using var programs = new ExecutableCopies("/bin/true", 3);
        var expected = programs.Paths.Select(path => (Path: path, Pid: Exec(path))).ToList();

        uint uid = GetUid();
        var deadline = Stopwatch.StartNew();
        var messages = new List<string>();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            session.Poll(TimeSpan.FromMilliseconds(100));
            messages = capture.Entries.Where(e => e.Category == session.ProgramName).Select(e => e.Message).ToList();
            if (expected.All(e => messages.Any(m => m.Contains(e.Path, StringComparison.Ordinal))))
                break;
        }

        foreach (var (path, pid) in expected)
            Assert.Contains($"task.pid: {pid}, old_pid: {pid}, linux_binprm.filename: {path}, ctx.uid: {uid}, linux_binprm.argc: 2, linux_binprm.envc: 1, linux_binprm.buf: \\x7fELF", messages);
        Assert.All(capture.Entries.Where(e => e.Message.Contains(programs.Directory, StringComparison.Ordinal)), e =>
        {
            Assert.Equal(ExecObserverSession.ProgramNameOf(mode), e.Category);
            Assert.Equal(LogLevel.Information, e.Level);
        });
        Assert.Equal(0UL, session.EventsDropped);
    }

    [KernelFact]
    public void Stopping_logs_the_execs_recorded_before_it_and_none_after()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory, ExecObserverMode.Raw);
        using var programs = new ExecutableCopies("/bin/true", 2);

        int before = Exec(programs.Paths[0]); // recorded, never polled for
        session.DetachAndDrain();
        int after = Exec(programs.Paths[1]);
        session.DetachAndDrain();

        var messages = capture.Entries.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains($"task.pid: {before}, ", StringComparison.Ordinal) && m.Contains(programs.Paths[0], StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains(programs.Paths[1], StringComparison.Ordinal) || m.Contains($"task.pid: {after}, ", StringComparison.Ordinal));
    }

    [KernelFact]
    public void The_console_line_has_the_logging_issue_format()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory, ExecObserverMode.Raw);
        using var programs = new ExecutableCopies("/bin/true", 1);
        int pid = Exec(programs.Paths[0]);

        CapturingLoggerProvider.Entry? entry = null;
        var deadline = Stopwatch.StartNew();
        while (entry is null && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            session.Poll(TimeSpan.FromMilliseconds(100));
            entry = capture.Entries.FirstOrDefault(e => e.Message.Contains(programs.Paths[0], StringComparison.Ordinal));
        }
        Assert.NotNull(entry);

        // Written as the console logger writes it with AddNectarConsole().
        var console = new StringWriter();
        new NectarConsoleFormatter().Write(new LogEntry<object?>(entry.Level, entry.Category, default, entry.State, null, (_, _) => entry.Message), null, console);
        Assert.Matches(
            $@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{6}}Z INFO raw_trace_sched_process_exec: task\.pid: {pid}, old_pid: {pid}, linux_binprm\.filename: {System.Text.RegularExpressions.Regex.Escape(programs.Paths[0])}, ctx\.uid: {GetUid()}, linux_binprm\.argc: 2, linux_binprm\.envc: 1, linux_binprm\.buf: \\x7fELF\n$",
            console.ToString());
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Bpftool_sees_the_raw_tracepoint_attachment_while_attached_and_not_after()
    {
        using var factory = LoggerFactory.Create(_ => { });
        uint id;
        using (var session = new ExecObserverSession(factory, ExecObserverMode.Raw))
        {
            id = session.Program.Id;
            // bpftool 7 matches `name` against the full name from the program's BTF (the kernel
            // keeps 15 characters: raw_trace_sched); older bpftool matched the cut name.
            string programs = Bpftool.Run("prog", "list", "name", "raw_trace_sched_process_exec");
            Assert.Contains($"{id}: raw_tracepoint  name raw_trace_sched_process_exec ", programs);
            Assert.Contains($"prog_id {id}  raw_tracepoint  sched_process_exec", Bpftool.Run("perf"));
        }
        // Detaching is immediate; the program itself is freed later, after an RCU grace period.
        Assert.DoesNotContain($"prog_id {id} ", Bpftool.Run("perf"));
    }

    /// <summary>
    /// The line has the right argc, envc and first bytes of buf, from the kernel's own linux_binprm,
    /// for both execs of sh -c 'exec /bin/true a b c', also where the running kernel lays the struct
    /// out differently from the build machine (Debian's 6.1 in the VM matrix: 416 bytes against
    /// 6.18's 408, buf at 160 instead of 152).
    /// </summary>
    [KernelFact]
    public void The_line_has_argc_envc_and_the_header_from_the_kernels_linux_binprm_on_this_kernels_layout()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(capture));
        using var session = new ExecObserverSession(factory);
        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec /bin/true a b c"]) { UseShellExecute = false };
        start.Environment.Clear();
        start.Environment["NECTAR_A"] = "1";
        start.Environment["NECTAR_B"] = "2";
        int pid;
        using (var child = Process.Start(start)!)
        {
            pid = child.Id;
            Assert.True(child.WaitForExit(10_000), "sh did not exit");
        }

        List<string> ours = [];
        var deadline = Stopwatch.StartNew();
        while (ours.Count < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            session.Poll(TimeSpan.FromMilliseconds(100));
            ours = capture.Entries.Select(e => e.Message).Where(m => m.StartsWith($"task.pid: {pid}, ", StringComparison.Ordinal)).ToList();
        }
        Assert.Equal(2, ours.Count);
        Assert.EndsWith(", linux_binprm.argc: 3, linux_binprm.envc: 2, linux_binprm.buf: \\x7fELF", ours[0]);
        Assert.Contains("linux_binprm.filename: /bin/true, ", ours[1]);
        // The shell may export a variable of its own (PWD) besides the two it was given.
        Assert.Matches(@", linux_binprm\.argc: 4, linux_binprm\.envc: [2-9], linux_binprm\.buf: \\x7fELF$", ours[1]);
    }

    /// <summary>Runs <paramref name="path"/> with one argument and one environment variable (argc 2, envc 1).</summary>
    private static int Exec(string path)
    {
        var start = new ProcessStartInfo(path, ["exec-observer-test"]) { UseShellExecute = false };
        start.Environment.Clear();
        start.Environment["NECTAR_TEST"] = "1";
        using var process = Process.Start(start)!;
        int pid = process.Id;
        Assert.True(process.WaitForExit(10_000), $"{path} did not exit");
        return pid;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();

    /// <summary>Copies of an executable under distinct names in a scratch directory, deleted on Dispose.</summary>
    private sealed class ExecutableCopies : IDisposable
    {
        public ExecutableCopies(string source, int count)
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("nectar-exec-observer-").FullName;
            Paths = Enumerable.Range(0, count).Select(i => Path.Combine(Directory, $"observed-{i}")).ToList();
            foreach (var path in Paths)
            {
                File.Copy(source, path);
                if (OperatingSystem.IsLinux())
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
        }

        public string Directory { get; }

        public IReadOnlyList<string> Paths { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
