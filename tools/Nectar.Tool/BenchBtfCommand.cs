using System.CommandLine;
using System.Diagnostics;
using Nectar.Btf;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench btf [FILE]`: the time to load and parse a BTF file and find task_struct by name,
/// the work a loader does first; comparable to libbpf's btf__parse + btf__find_by_name_kind. The
/// kernel's BTF is parsed where the kernel maps it when it allows (the mapping is made once per
/// process, in the first run), so the same work over a copy read with read() is printed too: the
/// cost on kernels that cannot map it, and for other files. Also the same with the name index
/// built, as the generator's thousands of lookups do.
/// </summary>
internal static class BenchBtfCommand
{
    // Warm-up runs until both bounds pass, so tiered compilation has promoted every method it will.
    private const int WarmupRuns = 30;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);
    private const int MeasuredRuns = 50;

    internal static Command Create()
    {
        var file = new Argument<string>("FILE")
        {
            Description = "Raw BTF to parse.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => KernelSupport.VmlinuxBtfPath,
        };
        var runs = new Option<int>("--runs") { Description = "Measured runs (after warm-up).", DefaultValueFactory = _ => MeasuredRuns }
            .Require(n => n is >= 1 and <= 1_000_000, "must be a number of runs from 1 to 1,000,000 (fewer than 20 are raised to 20)");
        var command = new Command("btf", "Time parsing BTF and finding task_struct (median and minimum).") { file, runs };
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!;
            int count = Math.Max(20, result.GetValue(runs));
            try
            {
                // A loader parses once per process: the first run, JIT included, is what it pays.
                long cold = Stopwatch.GetTimestamp();
                var first = ParseAndFind(path);
                Console.WriteLine($"btf: parse {path} + find task_struct, first run (JIT included): {Stopwatch.GetElapsedTime(cold).TotalMilliseconds:F3} ms");
                string source = first.IsKernelMapped ? "read in place (mapped from the kernel)" : "read into memory";
                Report($"parse {path} + find task_struct, {source}", count, () => ParseAndFind(path));
                if (first.IsKernelMapped)
                    Report($"read {path} with read() + parse + find task_struct", count, () => Find(Btf.Btf.Parse(Btf.Btf.ReadFile(path)), path));
                // The generator's pattern: many lookups, so the name index over every name is built.
                Report($"parse {path} + build the name index + find task_struct", count, () =>
                {
                    var btf = Btf.Btf.Load(path);
                    btf.BuildNameIndex();
                    _ = btf.FindByName("task_struct", BtfKind.Struct);
                });
                return 0;
            }
            catch (BtfException e)
            {
                Console.Error.WriteLine("nectar: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void Report(string what, int runs, Action action)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < WarmupRuns || Stopwatch.GetElapsedTime(warmupStart) < WarmupTime; i++)
            action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            // As BenchmarkDotNet does between iterations: each run starts on a collected heap, so it
            // is not charged for collecting the 6 MB blobs of the runs before it.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"btf: {what}: median {times[runs / 2]:F3} ms, min {times[0]:F3} ms over {runs} runs after warm-up");
    }

    private static Btf.Btf ParseAndFind(string path) => Find(Btf.Btf.Load(path), path);

    private static Btf.Btf Find(Btf.Btf btf, string path) =>
        btf.FindByName("task_struct", BtfKind.Struct) is null ? throw new BtfException($"{path} has no struct task_struct.") : btf;
}
