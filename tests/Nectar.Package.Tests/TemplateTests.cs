using System.Diagnostics;
using Nectar.Programs;
using Nectar.Testing;
using Xunit.Abstractions;

namespace Nectar.Package.Tests;

/// <summary>
/// `dotnet new nectar-probe` from the packed template package, against the packed runtime: the
/// project it creates builds with zero warnings (its BPF C compiled by the package's build) and,
/// run as created, prints the execs it sees.
/// </summary>
public sealed class TemplateTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nectar-template-").FullName;

    [KernelFact(Tools = Oracle.Clang, Attach = [AttachKind.TracepointBtf])]
    public void A_project_made_by_dotnet_new_nectar_probe_builds_and_prints_the_execs_it_sees()
    {
        string feed = Path.Combine(_scratch, "feed");
        DotnetCli.Run(DotnetCli.Root, "pack", "runtime/Nectar/Nectar.csproj", "-c", DotnetCli.Configuration, "-o", feed);
        DotnetCli.Run(DotnetCli.Root, "pack", "templates/Nectar.Templates/Nectar.Templates.csproj", "-c", DotnetCli.Configuration, "-o", feed);
        string templates = Assert.Single(Directory.GetFiles(feed, "Nectar.Templates.0.1.0-dev.*.nupkg"));

        // A hive of this test's own, so the machine's template list is left as it was.
        string hive = Path.Combine(_scratch, "hive");
        DotnetCli.Run(_scratch, "new", "install", templates, "--debug:custom-hive", hive);
        string app = Path.Combine(_scratch, "TraceExecs");
        DotnetCli.Run(_scratch, "new", "nectar-probe", "-n", "TraceExecs", "-o", app, "--debug:custom-hive", hive);
        Assert.True(File.Exists(Path.Combine(app, "TraceExecs.csproj")));
        Assert.True(File.Exists(Path.Combine(app, "bpf/probe.bpf.c")));
        Assert.Contains("TraceExecs.Probe.Open()", File.ReadAllText(Path.Combine(app, "Program.cs")));

        LocalFeed.WriteNugetConfig(app, feed, Path.Combine(_scratch, "packages"));
        var build = DotnetCli.Run(app, "build", "-c", "Debug");
        Assert.Contains(" 0 Warning(s)", build.Output);
        // The object is embedded: the app runs without the bpf/ folder next to it.
        Directory.Delete(Path.Combine(app, "bin/Debug/net10.0/bpf"), recursive: true);

        string printed = RunUntilItSees(app, "comm true filename /bin/true");
        output.WriteLine(printed);
        Assert.StartsWith("Tracing execs", printed);
        Assert.Matches(@"exec pid \d+ uid 0 comm true filename /bin/true", printed);
    }

    /// <summary>Starts the created app, execs /bin/true until the app prints <paramref name="expected"/>, then stops it.</summary>
    private static string RunUntilItSees(string app, string expected)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet",
            [Path.Combine(app, "bin/Debug/net10.0/TraceExecs.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lines.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lines.Enqueue("stderr: " + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited)
            {
                if (lines.Any(l => l.Contains(expected, StringComparison.Ordinal))) break;
                if (lines.Any(l => l.StartsWith("Tracing execs", StringComparison.Ordinal)))
                    Processes.Run("/bin/true", []);
                Thread.Sleep(200);
            }
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit();
        }
        string printed = string.Join("\n", lines);
        Assert.True(printed.Contains(expected, StringComparison.Ordinal), $"The created app did not print '{expected}' within 90 s (exit {process.ExitCode}):\n{printed}");
        return printed;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
