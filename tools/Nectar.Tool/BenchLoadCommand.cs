using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench load`: the time to open an object (read and parse the ELF and its BTF), load it
/// (CO-RE relocation against the kernel's BTF, maps, programs through the verifier) and attach
/// every program, the work an agent does at start-up. Cold: a fresh process's first load (the
/// JIT's work included, and for the whole process the runtime's start-up); warm: loads repeated
/// in one process. With `--libbpf DIR`, libbpf's loader (bench/libbpf/load.c) does the same on
/// the same object, its cold processes alternating with Nectar's.
/// </summary>
internal static class BenchLoadCommand
{
    private const string DefaultObject = "exec_observer.bpf.o";
    private const string OnceLine = "nectar load: ";

    internal static Command Create()
    {
        var objectOption = new Option<string>("--object") { Description = $"The BPF object (default: the shipped {DefaultObject})." };
        var runsOption = new Option<int>("--runs") { Description = "Cold processes and warm loads measured.", DefaultValueFactory = _ => 5 }
            .Require(n => n is >= 1 and <= 1000, "must be a number of runs from 1 to 1000");
        var libbpfOption = new Option<string?>("--libbpf") { Description = "Folder of the libbpf oracles (bench/libbpf/out, made by bench/libbpf/build.sh)." };
        // One load, one line: what the cold runs are made of (a fresh process each).
        var onceOption = new Option<bool>("--once") { Description = "Load once and print one line (the cold runs' child process).", Hidden = true };
        var command = new Command("load", "Time open, load (relocate, maps, verifier) and attach of an object, cold and warm; beside libbpf's with --libbpf.")
        {
            objectOption, runsOption, libbpfOption, onceOption,
        };
        command.SetAction(parse =>
        {
            string path = Path.GetFullPath(parse.GetValue(objectOption) ?? Path.Combine(AppContext.BaseDirectory, "bpf", DefaultObject));
            if (parse.GetValue(onceOption))
            {
                Console.WriteLine(OnceLine + Format(LoadOnce(path)));
                return 0;
            }
            int runs = parse.GetValue(runsOption);
            Run(path, runs, LibbpfOracle.Find(parse.GetValue(libbpfOption), "load"));
            return 0;
        });
        return command;
    }

    private readonly record struct Phases(double OpenMs, double LoadMs, double AttachMs)
    {
        public double TotalMs => OpenMs + LoadMs + AttachMs;
    }

    private static string Format(Phases p)
        => FormattableString.Invariant($"open_ms={p.OpenMs:F3} load_ms={p.LoadMs:F3} attach_ms={p.AttachMs:F3} total_ms={p.TotalMs:F3}");

    private static Phases Parse(Dictionary<string, string> line)
        => new(LibbpfOracle.Number(line, "open_ms"), LibbpfOracle.Number(line, "load_ms"), LibbpfOracle.Number(line, "attach_ms"));

    private static Phases LoadOnce(string path)
    {
        long t0 = Stopwatch.GetTimestamp();
        var spec = BpfObjectSpec.Read(path);
        long t1 = Stopwatch.GetTimestamp();
        using var obj = spec.Load();
        long t2 = Stopwatch.GetTimestamp();
        var links = new List<BpfLink>();
        try
        {
            foreach (var program in obj.Programs.Values)
                links.Add(program.Attach());
            return new Phases(Ms(t0, t1), Ms(t1, t2), Ms(t2, Stopwatch.GetTimestamp()));
        }
        finally
        {
            links.ForEach(l => l.Dispose());
        }
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static void Run(string path, int runs, LibbpfOracle? libbpf)
    {
        Console.WriteLine(BenchMachine.Describe());
        Console.WriteLine($"settings: {path}; open, load, attach every program, detach, close; {runs} cold process(es) and {runs} warm load(s){(libbpf is null ? "" : ", alternated with libbpf's")}");
        var coldNectar = new List<Phases>();
        var coldNectarProcess = new List<double>();
        var coldLibbpf = new List<Phases>();
        var coldLibbpfProcess = new List<double>();
        for (int run = 1; run <= runs; run++)
        {
            var (nectarLine, nectarMs) = RunSelf(path);
            coldNectar.Add(nectarLine);
            coldNectarProcess.Add(nectarMs);
            Console.WriteLine(FormattableString.Invariant($"cold {run} nectar: {Format(nectarLine)} process_ms={nectarMs:F1}; {BenchMachine.LoadAverage()}"));
            if (libbpf is not null)
            {
                long start = Stopwatch.GetTimestamp();
                var line = Parse(libbpf.Run("libbpf load: ", path, "1")[0]);
                double processMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                coldLibbpf.Add(line);
                coldLibbpfProcess.Add(processMs);
                Console.WriteLine(FormattableString.Invariant($"cold {run} libbpf: {Format(line)} process_ms={processMs:F1}"));
            }
        }
        // Warm: this process has loaded the object before (the JIT has compiled the loader).
        for (int i = 0; i < 5; i++)
            LoadOnce(path);
        var warmNectar = Enumerable.Range(0, runs).Select(_ => LoadOnce(path)).ToList();
        var warmLibbpf = libbpf is null ? [] : libbpf.Run("libbpf load: ", path, (runs + 5).ToString(CultureInfo.InvariantCulture)).Skip(5).Select(Parse).ToList();
        Console.WriteLine("phase        nectar cold (median, min)  libbpf cold (median, min)  nectar warm (median, min)  libbpf warm (median, min)  cold ratio  warm ratio");
        Row("open", p => p.OpenMs);
        Row("load", p => p.LoadMs);
        Row("attach", p => p.AttachMs);
        Row("total", p => p.TotalMs);
        Console.WriteLine(FormattableString.Invariant($"process      {Cell(coldNectarProcess)}{Cell(coldLibbpfProcess)}(start to exit of the cold processes, runtime start-up included)"));
        Console.WriteLine("(ms; load = CO-RE relocation, maps, programs through the verifier; ratios are nectar/libbpf medians)");

        void Row(string phase, Func<Phases, double> of)
        {
            var cn = coldNectar.Select(of).ToList();
            var cl = coldLibbpf.Select(of).ToList();
            var wn = warmNectar.Select(of).ToList();
            var wl = warmLibbpf.Select(of).ToList();
            Console.WriteLine($"{phase,-12} {Cell(cn)}{Cell(cl)}{Cell(wn)}{Cell(wl)}{Ratio(cn, cl),-12}{Ratio(wn, wl)}");
        }
    }

    private static string Cell(List<double> values) => values.Count == 0
        ? "-".PadRight(27)
        : FormattableString.Invariant($"{BenchMachine.Median(values),8:F3} {values.Min(),8:F3}").PadRight(27);

    private static string Ratio(List<double> nectar, List<double> libbpf) => nectar.Count == 0 || libbpf.Count == 0
        ? "-"
        : FormattableString.Invariant($"{BenchMachine.Median(nectar) / BenchMachine.Median(libbpf):F2}x");

    /// <summary>Runs `nectar bench load --once` in a fresh process (the same executable: JIT or native).</summary>
    private static (Phases Line, double ProcessMs) RunSelf(string path)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The tool's own executable is unknown.");
        var arguments = new List<string>();
        // Run as `dotnet Nectar.Tool.dll`: start the same way.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            arguments.Add(Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"));
        arguments.AddRange(["bench", "load", "--once", "--object", path]);
        var oracle = new LibbpfOracle(self, arguments.ToArray());
        long start = Stopwatch.GetTimestamp();
        var line = oracle.Run(OnceLine)[0];
        return (Parse(line), Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}
