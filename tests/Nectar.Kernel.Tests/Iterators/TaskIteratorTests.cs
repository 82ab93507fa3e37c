using System.Runtime.InteropServices;
using System.Text.Json;
using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Iterators;

/// <summary>
/// iter/task (bpf/task_iter.bpf.c): reading the link runs the program over every task of the
/// system; checked against /proc (read independently) and against bpftool's run of the same object.
/// </summary>
public sealed class TaskIteratorTests
{
    /// <summary>struct task_record of task_iter.bpf.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct TaskRecord
    {
        public uint Tgid;
        public uint Pid;
        public fixed byte Comm[16];

        public string CommText
        {
            get
            {
                fixed (byte* bytes = Comm)
                    return Marshal.PtrToStringUTF8((nint)bytes) ?? "";
            }
        }
    }

    private sealed record TaskLine(int Tgid, int Pid, string Comm);

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Task_iterator_lists_this_process_and_about_as_many_processes_as_proc()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
            using var iterator = obj.Programs["dump_tasks"].AttachIterator();
            var (pid, comm) = SelfStat();

            int procBefore = ProcProcessCount();
            var tasks = ParseLines(iterator.ReadAll());
            int procAfter = ProcProcessCount();

            Assert.Contains(new TaskLine(pid, pid, comm), tasks);
            // Every thread of this process is a task with our tgid.
            Assert.True(tasks.Count(t => t.Tgid == pid) >= Directory.GetDirectories("/proc/self/task").Length / 2,
                "the iterator should list this process's threads");
            int processes = tasks.Select(t => t.Tgid).Distinct().Count();
            int low = Math.Min(procBefore, procAfter), high = Math.Max(procBefore, procAfter);
            int slack = 5 + high / 10; // processes that started or ended between the three reads
            Assert.InRange(processes, low - slack, high + slack);
        });
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Each_read_runs_the_iterator_again()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        using var iterator = obj.Programs["dump_tasks"].AttachIterator();
        const string name = "nectar-iter-2nd"; // 15 characters: a task's comm holds at most 15
        int pid = Environment.ProcessId;

        var first = ParseLines(iterator.ReadAll());
        Assert.DoesNotContain(first, t => t.Comm == name);

        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() => { started.Set(); release.Wait(); }) { Name = name, IsBackground = true };
        thread.Start();
        try
        {
            started.Wait();
            var second = ParseLines(iterator.ReadAll());
            Assert.Contains(second, t => t.Comm == name && t.Tgid == pid && t.Pid != pid);
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Records_written_with_bpf_seq_write_read_as_structs()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        using var records = obj.Programs["dump_task_records"].AttachIterator();
        using var lines = obj.Programs["dump_tasks"].AttachIterator();
        var (pid, comm) = SelfStat();

        var tasks = records.ReadRecords<TaskRecord>().Select(r => new TaskLine((int)r.Tgid, (int)r.Pid, r.CommText)).ToList();
        Assert.Contains(new TaskLine(pid, pid, comm), tasks);
        // Both programs walk the same tasks: the kernel threads (which never exit) agree exactly.
        var text = ParseLines(lines.ReadAll());
        Assert.Subset(text.Where(t => t.Comm == "kthreadd").ToHashSet(), tasks.Where(t => t.Comm == "kthreadd").ToHashSet());
        Assert.Single(tasks, t => t.Comm == "kthreadd");
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Reading_records_of_the_wrong_size_names_the_mismatch()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        // This process's threads only: fewer than 512 24-byte records, which is never a whole
        // number of 4096-byte ones (24 * N = 4096 * K needs N = 512 at least).
        using var records = obj.Programs["dump_task_records"].AttachIterator(new IteratorOptions { ProcessId = Environment.ProcessId });
        var error = Assert.Throws<InvalidDataException>(() => records.ReadRecords<Page>().Count());
        Assert.Contains("4096-byte Page records", error.Message);
        Assert.Contains("bpf_seq_write", error.Message);
    }

    [StructLayout(LayoutKind.Sequential, Size = 4096)]
    private struct Page
    {
        public byte First;
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void The_plain_Attach_of_an_iterator_gives_a_link_that_reads_as_one()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        using var iterator = Assert.IsType<BpfIteratorLink>(obj.Programs["dump_tasks"].Attach());
        Assert.Equal("dump_tasks on iter/task", iterator.Description);
        var (pid, comm) = SelfStat();
        Assert.Contains(new TaskLine(pid, pid, comm), ParseLines(iterator.ReadAll()));
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void A_pinned_iterator_runs_when_its_file_is_read()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        string pin = $"{Pinning.BpffsRoot}/nectar_test_iter_{Environment.ProcessId}";
        File.Delete(pin);
        using (var iterator = obj.Programs["dump_tasks"].AttachIterator())
            iterator.Pin(pin);
        try
        {
            var (pid, comm) = SelfStat();
            Assert.Contains(new TaskLine(pid, pid, comm), ParseLines(File.ReadAllText(pin)));
            var cat = Processes.Run("cat", [pin]);
            Assert.Equal(0, cat.ExitCode);
            Assert.Contains(new TaskLine(pid, pid, comm), ParseLines(cat.Output));
        }
        finally
        {
            File.Delete(pin);
        }
    }

    /// <summary>
    /// bpftool as the oracle: `bpftool iter pin` runs the object's first iterator (dump_tasks)
    /// through libbpf; `cat` of its pin lists the same processes as Nectar's run, up to those that
    /// came and went in between. `bpftool link list` shows Nectar's link while it is attached.
    /// </summary>
    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"], Tools = Oracle.Bpftool)]
    public void Bpftool_lists_the_same_processes_and_shows_the_iterator_link()
    {
        string objectPath = BpfObjects.PathOf("task_iter");
        string pin = $"{Pinning.BpffsRoot}/nectar_test_bpftool_iter_{Environment.ProcessId}";
        File.Delete(pin);
        Bpftool.Run("iter", "pin", objectPath, pin);
        HashSet<int> oracle;
        try
        {
            oracle = ParseLines(File.ReadAllText(pin)).Select(t => t.Tgid).ToHashSet();
        }
        finally
        {
            File.Delete(pin);
        }

        using var obj = BpfObjectSpec.Read(objectPath).Load();
        var program = obj.Programs["dump_tasks"];
        HashSet<int> ours;
        using (var iterator = program.AttachIterator())
        {
            ours = ParseLines(iterator.ReadAll()).Select(t => t.Tgid).ToHashSet();
            var links = JsonDocument.Parse(Bpftool.Run("-j", "link", "list")).RootElement.EnumerateArray()
                .Where(l => l.GetProperty("prog_id").GetUInt32() == program.Id).ToList();
            var link = Assert.Single(links);
            Assert.Equal("iter", link.GetProperty("type").GetString());
            Assert.Equal("task", link.GetProperty("target_name").GetString());
        }
        Assert.DoesNotContain(JsonDocument.Parse(Bpftool.Run("-j", "link", "list")).RootElement.EnumerateArray(),
            l => l.GetProperty("prog_id").GetUInt32() == program.Id);

        Assert.Contains(Environment.ProcessId, ours);
        Assert.Contains(Environment.ProcessId, oracle);
        int differing = ours.Except(oracle).Count() + oracle.Except(ours).Count();
        Assert.True(differing <= 5 + ours.Count / 10,
            $"Nectar listed {ours.Count} processes and bpftool {oracle.Count}; {differing} differ: {string.Join(' ', ours.Except(oracle))} / {string.Join(' ', oracle.Except(ours))}");
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void A_task_iterator_limited_to_this_process_lists_only_its_threads()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("task_iter")).Load();
        using var iterator = obj.Programs["dump_tasks"].AttachIterator(new IteratorOptions { ProcessId = Environment.ProcessId });
        var tgids = iterator.ReadLines().Select(line => int.Parse(line.Split(' ')[0])).ToList();
        Assert.NotEmpty(tgids);
        Assert.All(tgids, tgid => Assert.Equal(Environment.ProcessId, tgid));
    }

    /// <summary>"TGID PID COMM" lines (comm may hold spaces: it is the rest of the line).</summary>
    private static List<TaskLine> ParseLines(string text) => text
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(' ', 3))
        .Select(parts => new TaskLine(int.Parse(parts[0]), int.Parse(parts[1]), parts.Length > 2 ? parts[2] : ""))
        .ToList();

    /// <summary>This process's pid and comm from /proc/self/stat ("PID (COMM) STATE ...").</summary>
    internal static (int Pid, string Comm) SelfStat()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        return (int.Parse(stat[..open].Trim()), stat[(open + 1)..close]);
    }

    /// <summary>/proc lists each process (thread group) once, as a numeric directory.</summary>
    private static int ProcProcessCount() =>
        new DirectoryInfo("/proc").EnumerateDirectories().Count(d => d.Name.All(char.IsAsciiDigit));
}
