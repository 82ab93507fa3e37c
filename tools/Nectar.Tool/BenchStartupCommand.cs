using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench startup`: how long `nectar prog list` takes as a fresh process, from start to
/// exit, beside `bpftool prog list` (the native tool people compare it with), runs alternated.
/// Measured: the wall time and the CPU time of the child (user + system, from getrusage
/// RUSAGE_CHILDREN), which a busy machine inflates less. The `nectar` measured is this
/// executable (native when published with PublishAot, else `dotnet Nectar.Tool.dll`) and any
/// other given with --nectar, so that one run shows AOT, JIT and bpftool side by side.
/// </summary>
internal static partial class BenchStartupCommand
{
    internal static Command Create()
    {
        var runsOption = new Option<int>("--runs") { Description = "Measured runs of each command (two more each warm the page cache first).", DefaultValueFactory = _ => 21 }
            .Require(n => n is >= 1 and <= 1000, "must be a number of runs from 1 to 1000");
        var bpftoolOption = new Option<string>("--bpftool") { Description = "The bpftool to compare with.", DefaultValueFactory = _ => "bpftool" };
        var nectarOption = new Option<string[]>("--nectar")
        {
            Description = "Another nectar to measure beside this one: a native executable, or a Nectar.Tool.dll run with dotnet.",
            AllowMultipleArgumentsPerToken = true,
        };
        nectarOption.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!File.Exists(token.Value))
                    result.AddError($"--nectar '{token.Value}' is not a file: give the native nectar or Nectar.Tool.dll.");
            }
        });
        var command = new Command("startup", "Time `nectar prog list` from start to exit, beside `bpftool prog list`, as fresh processes.")
        {
            runsOption, bpftoolOption, nectarOption,
        };
        command.SetAction(parse => Run(parse.GetValue(runsOption), parse.GetValue(bpftoolOption)!, parse.GetValue(nectarOption) ?? []));
        return command;
    }

    private sealed record Candidate(string Name, string Executable, string[] Arguments)
    {
        public List<double> WallMs { get; } = [];
        public List<double> CpuMs { get; } = [];
    }

    private static int Run(int runs, string bpftool, string[] others)
    {
        var candidates = new List<Candidate> { Self() };
        candidates.AddRange(others.Select(Other));
        Candidate? oracle = FindOnPath(bpftool) is { } bpftoolPath ? new Candidate("bpftool", bpftoolPath, ["prog", "list"]) : null;
        if (oracle is null)
            Console.Error.WriteLine($"nectar bench: no {bpftool} (install bpftool, or give --bpftool PATH); showing Nectar's figures alone.");

        Console.WriteLine(BenchMachine.Describe());
        Console.WriteLine($"settings: `prog list` as a fresh process, {runs} run(s) of each after 2 warm-up runs, alternated; wall = start to exit, CPU = the child's user + system time");
        var all = oracle is null ? candidates : [oracle, .. candidates];
        for (int run = -2; run < runs; run++)
        {
            foreach (var candidate in all)
            {
                var (wallMs, cpuMs, exitCode, error) = Measure(candidate);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"nectar bench: `{candidate.Name} prog list` exited with {exitCode}: {error.Trim().ReplaceLineEndings(" ")}");
                    return exitCode == 77 ? 77 : 1;
                }
                if (run < 0)
                    continue;
                candidate.WallMs.Add(wallMs);
                candidate.CpuMs.Add(cpuMs);
            }
        }

        Console.WriteLine("command                     wall median    min   CPU median    min   (ms)   ratio to bpftool: wall  CPU");
        foreach (var candidate in all)
        {
            string ratio = oracle is null || candidate == oracle
                ? ""
                : FormattableString.Invariant($"{Ratio(candidate.WallMs, oracle.WallMs),29:F2}x {Ratio(candidate.CpuMs, oracle.CpuMs):F2}x");
            Console.WriteLine(FormattableString.Invariant(
                $"{candidate.Name,-27} {BenchMachine.Median(candidate.WallMs),11:F2} {candidate.WallMs.Min(),6:F2} {BenchMachine.Median(candidate.CpuMs),12:F2} {candidate.CpuMs.Min(),6:F2}{ratio}"));
        }
        Console.WriteLine($"(medians over {runs} run(s); the target is within 3x of bpftool; {BenchMachine.LoadAverage()} at the end)");
        return 0;
    }

    private static double Ratio(List<double> nectar, List<double> bpftool) => BenchMachine.Median(nectar) / BenchMachine.Median(bpftool);

    /// <summary>This executable, started the way it was started: native, or `dotnet Nectar.Tool.dll`.</summary>
    private static Candidate Self()
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The tool's own executable is unknown.");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new Candidate("nectar (JIT, this one)", self, [Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"), "prog", "list"])
            : new Candidate("nectar (native, this one)", self, ["prog", "list"]);
    }

    private static Candidate Other(string path)
    {
        string full = Path.GetFullPath(path);
        return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new Candidate($"nectar (JIT) {Path.GetFileName(Path.GetDirectoryName(full))}", FindOnPath("dotnet") ?? "dotnet", [full, "prog", "list"])
            : new Candidate($"nectar {Path.GetFileName(Path.GetDirectoryName(full))}/{Path.GetFileName(full)}", full, ["prog", "list"]);
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains('/'))
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    private static (double WallMs, double CpuMs, int ExitCode, string Error) Measure(Candidate candidate)
    {
        var start = new ProcessStartInfo(candidate.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in candidate.Arguments)
            start.ArgumentList.Add(argument);
        double cpuBefore = ChildrenCpuMs();
        long started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new IOException($"Could not start {candidate.Executable}.");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // The runtime reaps the child (waitpid) before WaitForExit returns: its time is in RUSAGE_CHILDREN.
        return (wallMs, ChildrenCpuMs() - cpuBefore, process.ExitCode, error.Result);
    }

    private const int RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        // The rest of struct rusage (14 longs), not read.
        public Fields14 Rest;
    }

    [System.Runtime.CompilerServices.InlineArray(14)]
    private struct Fields14
    {
        private long _element;
    }

    private static unsafe double ChildrenCpuMs()
    {
        RUsage usage;
        if (GetRUsage(RusageChildren, &usage) != 0)
            return double.NaN;
        return (usage.UserSeconds + usage.SystemSeconds) * 1e3 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1e3;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static unsafe partial int GetRUsage(int who, RUsage* usage);
}
