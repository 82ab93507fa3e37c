using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench attach`: what each attach style costs per event, on one trigger. One thread calls
/// getppid() in a loop, first with nothing attached (the bare syscall), then with each program of
/// bpf/attach_bench*.bpf.o attached alone: raw_tp, tp_btf and the classic tracepoint on
/// sys_enter, kprobe and fentry on the syscall's function where the kernel allows them, each
/// counting only and counting plus a 16-byte ring buffer record. The figure is the calling
/// thread's CPU time per call (the program runs inside the syscall, so it is system time), which
/// other processes on a busy machine do not inflate the way they inflate wall time; the cost of
/// a style is its figure minus the bare one. With `--libbpf DIR`, libbpf's loader
/// (bench/libbpf/attach.c) runs the same objects after each round, and the costs stand side by side.
/// </summary>
internal static partial class BenchAttachCommand
{
    private static readonly string[] Objects = ["attach_bench.bpf.o", "attach_bench_kprobe.bpf.o", "attach_bench_fentry.bpf.o"];

    internal static Command Create()
    {
        var dirOption = new Option<string?>("--bpf-dir") { Description = "Folder holding attach_bench*.bpf.o (default: bpf/ beside the tool)." };
        var callsOption = new Option<int>("--calls") { Description = "getppid() calls per measurement.", DefaultValueFactory = _ => 1_000_000 }
            .Require(n => n is >= 1000 and <= 1_000_000_000, "must be a number of calls from 1,000 to 10^9");
        var runsOption = new Option<int>("--runs") { Description = "Rounds (each measures every program once).", DefaultValueFactory = _ => 5 }
            .Require(n => n is >= 1 and <= 1000, "must be a number of rounds from 1 to 1000");
        var libbpfOption = new Option<string?>("--libbpf") { Description = "Folder of the libbpf oracles (bench/libbpf/out, made by bench/libbpf/build.sh): a libbpf round follows each of Nectar's." };
        var command = new Command("attach", "Measure the per-event cost of each attach style (CPU ns per getppid() call over the bare syscall); beside libbpf's with --libbpf.")
        {
            dirOption, callsOption, runsOption, libbpfOption,
        };
        command.SetAction(parse =>
        {
            int calls = parse.GetValue(callsOption), runs = parse.GetValue(runsOption);
            string dir = parse.GetValue(dirOption) ?? Path.Combine(AppContext.BaseDirectory, "bpf");
            Run(dir, calls, runs, LibbpfOracle.Find(parse.GetValue(libbpfOption), "attach"));
            return 0;
        });
        return command;
    }

    private const string Bare = "bare";

    private static void Run(string dir, int calls, int runs, LibbpfOracle? libbpf)
    {
        Console.WriteLine(BenchMachine.Describe());
        Console.WriteLine($"settings: {calls:N0} getppid() calls per measurement; CPU time of the calling thread; {runs} round(s){(libbpf is null ? "" : ", alternated with libbpf's")}; objects from {dir}");
        var loaded = new List<(BpfObject Object, RingBuffer Ring)>();
        try
        {
            foreach (string name in Objects)
            {
                string path = Path.Combine(dir, name);
                try
                {
                    var spec = BpfObjectSpec.Read(path);
                    spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
                    var obj = spec.Load();
                    loaded.Add((obj, RingBuffer.Open(obj.Maps["events"])));
                }
                catch (Exception e) when (e is BpfException or Nectar.Btf.BtfException or ArgumentException)
                {
                    Console.WriteLine($"refused: {name}: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
            var nectar = new Dictionary<string, List<double>>();
            var oracle = new Dictionary<string, List<double>>();
            var order = new List<string> { Bare };
            for (int run = 1; run <= runs; run++)
            {
                var round = new List<(string Program, double Ns)> { (Bare, PerCall(calls)) };
                foreach (var (obj, ring) in loaded)
                {
                    foreach (var program in obj.Programs.Values)
                    {
                        obj.Maps["hits"].Update(0u, 0UL);
                        double ns;
                        try
                        {
                            using var link = program.Attach();
                            ns = PerCall(calls);
                        }
                        catch (Exception e) when (e is BpfException or ArgumentException)
                        {
                            if (run == 1)
                                Console.WriteLine($"refused: {program.Name}: {e.Message.ReplaceLineEndings(" ")}");
                            continue;
                        }
                        ring.Consume(static _ => { });
                        obj.Maps["hits"].TryLookup(0u, out ulong hits);
                        if (hits < (ulong)calls)
                            throw new InvalidOperationException($"{program.Name} ran {hits} times for {calls} calls: the measurement did not measure it.");
                        round.Add((program.Name, ns));
                    }
                }
                Report($"run {run} nectar", round, nectar, order);
                if (libbpf is not null)
                {
                    var lines = libbpf.Run("libbpf attach: ", dir, calls.ToString(CultureInfo.InvariantCulture));
                    Report($"run {run} libbpf", lines.Select(l => (l["program"], LibbpfOracle.Number(l, "ns_per_call"))).ToList(), oracle, order);
                }
            }
            PrintTable(nectar, oracle, order);
        }
        finally
        {
            foreach (var (obj, ring) in loaded)
            {
                ring.Dispose();
                obj.Dispose();
            }
        }
    }

    private static void Report(string label, List<(string Program, double Ns)> round, Dictionary<string, List<double>> into, List<string> order)
    {
        double bare = round.First(r => r.Program == Bare).Ns;
        Console.WriteLine($"{label}: " + string.Join("; ", round.Select(r => r.Program == Bare
            ? FormattableString.Invariant($"bare {r.Ns:F1} ns/call")
            : FormattableString.Invariant($"{r.Program} {r.Ns - bare:+0.0;-0.0} ns"))) + $"; {BenchMachine.LoadAverage()}");
        foreach (var (program, ns) in round)
        {
            if (!order.Contains(program))
                order.Add(program);
            if (!into.TryGetValue(program, out var list))
                into[program] = list = [];
            list.Add(program == Bare ? ns : ns - bare);
        }
    }

    private static void PrintTable(Dictionary<string, List<double>> nectar, Dictionary<string, List<double>> oracle, List<string> order)
    {
        Console.WriteLine("program                 nectar ns/call (median, min)   libbpf ns/call (median, min)   nectar/libbpf");
        foreach (string program in order)
        {
            string Cell(Dictionary<string, List<double>> from) => from.TryGetValue(program, out var v)
                ? FormattableString.Invariant($"{(program == Bare ? "" : "+")}{BenchMachine.Median(v),7:F1} {v.Min(),7:F1}").PadRight(31)
                : "-".PadRight(31);
            string ratio = nectar.TryGetValue(program, out var n) && oracle.TryGetValue(program, out var o) && BenchMachine.Median(o) > 0
                ? FormattableString.Invariant($"{BenchMachine.Median(n) / BenchMachine.Median(o):F2}x")
                : "-";
            Console.WriteLine($"{program,-23} {Cell(nectar)}{Cell(oracle)}{ratio}");
        }
        Console.WriteLine("(bare: the syscall with nothing attached; the others: CPU ns added per call by that program alone)");
    }

    /// <summary>CPU ns (user + system) per getppid() call of the calling thread, after a short warm-up.</summary>
    private static double PerCall(int calls)
    {
        for (int i = 0; i < calls / 50; i++)
            GetParentProcessId();
        double before = BenchMachine.ThreadCpuSeconds();
        for (int i = 0; i < calls; i++)
            GetParentProcessId();
        return (BenchMachine.ThreadCpuSeconds() - before) * 1e9 / calls;
    }

    // The trigger: the syscall every program of the benchmark objects watches.
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
