using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nectar.Kernel.Tests.OpenTelemetry;
using Nectar.Programs;
using Nectar.Testing;
using Xunit.Abstractions;

namespace Nectar.Kernel.Tests.Samples;

/// <summary>
/// The exec agent as it runs on a host (a process, a hosted service), scraped every second by a
/// real Prometheus (Debian's 2.42, started here with its own data directory and config); the test
/// execs a program of its own name and asks Prometheus's query API until the exec counter, its rate
/// and the argc histogram's buckets show exactly those execs.
/// </summary>
public partial class ExecAgentPrometheusTests(ITestOutputHelper output)
{
    private const int Execs = 25;
    private const int Argc = 200; // bucket (127, 255]: hardly any other exec has 128 to 255 arguments

    private static readonly string Agent = Path.Combine(AppContext.BaseDirectory, "ExecAgent.dll");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90); // a loaded 2-core machine

    [KernelFact(Attach = [AttachKind.TracepointBtf], Tools = Oracle.Prometheus)]
    public async Task Prometheus_scrapes_the_exec_counts_and_argc_buckets_the_test_made()
    {
        using var work = new TempDirectory();
        int agentPort = BpfMetricsTests.FreePort(), prometheusPort = BpfMetricsTests.FreePort();
        using var agent = Start(NectarCli.DotnetHost, Agent, "--prometheus-host", "127.0.0.1", "--prometheus-port", agentPort.ToString(), "--log-execs", "false");
        try
        {
            await WaitForLine(agent, "Exec agent attached exec_agent");
            File.WriteAllText(Path.Combine(work.Path, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: nectar
                    static_configs:
                      - targets: ['127.0.0.1:{agentPort}']
                """);
            using var prometheus = Start("prometheus", $"--config.file={Path.Combine(work.Path, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(work.Path, "data")}", $"--web.listen-address=127.0.0.1:{prometheusPort}");
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}/"), Timeout = TimeSpan.FromSeconds(10) };
                // le is "255" in the text format, "255.0" in OpenMetrics (which Prometheus asks for first).
                const string ArgcBucket = """sum(nectar_exec_argc_bucket{le=~"255|255.0"}) - sum(nectar_exec_argc_bucket{le=~"127|127.0"})""";
                // The histogram's series exist once the agent read it and Prometheus scraped it: the baseline.
                double before = await Until(http, ArgcBucket, value => value >= 0);

                using var execs = new NamedExecs();
                string counter = $$"""nectar_exec_events_total{comm="{{execs.Comm}}"}""";
                // One exec first, so that the series exists before the others: a rate needs it to grow.
                execs.Run(1, Argc);
                Assert.Equal(1, await Until(http, counter, value => value == 1));
                execs.Run(Execs - 1, Argc);

                Assert.Equal(Execs, await Until(http, counter, value => value == Execs));
                Assert.Equal(before + Execs, await Until(http, ArgcBucket, value => value >= before + Execs));
                Assert.True(await Until(http, $"rate({counter}[30s])", value => value > 0) > 0);
                Assert.Equal(0, await Until(http, "sum(nectar_exec_dropped_total)", _ => true));

                // The figures for the note: what the agent exports, and what a scrape costs.
                var names = await Get(http, "api/v1/label/__name__/values");
                var exported = names.GetProperty("data").EnumerateArray().Select(n => n.GetString()!).Where(n => n.StartsWith("nectar_")).ToList();
                Assert.Contains("nectar_exec_events_total", exported);
                Assert.Contains("nectar_exec_argc_bucket", exported);
                Assert.Contains("nectar_exec_untracked_total", exported);
                output.WriteLine($"exported: {string.Join(", ", exported)}");
                output.WriteLine($"scrape_duration_seconds: {await Until(http, "max_over_time(scrape_duration_seconds{job=\"nectar\"}[1m])", _ => true):0.0000} s (max over 1 min), " +
                                 $"samples per scrape: {await Until(http, "scrape_samples_scraped{job=\"nectar\"}", _ => true)}");
            }
            finally
            {
                Stop(prometheus);
            }
        }
        finally
        {
            Stop(agent);
        }
        // SIGTERM is the host's stop (systemd's too): the agent detaches and exits 0.
        Assert.Equal(0, agent.ExitCode);
    }

    /// <summary>Queries Prometheus until the result's first sample satisfies <paramref name="done"/>; returns its value.</summary>
    private async Task<double> Until(HttpClient http, string query, Func<double, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < Patience)
        {
            var answer = await Get(http, "api/v1/query?query=" + Uri.EscapeDataString(query));
            var result = answer.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() > 0)
            {
                string text = result[0].GetProperty("value")[1].GetString()!;
                double value = double.Parse(text, CultureInfo.InvariantCulture);
                if (done(value))
                    return value;
                last = text;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Prometheus query '{query}' did not reach the expected value in {Patience.TotalSeconds} s; last: {last}");
    }

    private static async Task<JsonElement> Get(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        catch (HttpRequestException)
        {
            // Not listening yet: an empty answer, asked again.
            return JsonDocument.Parse("""{"data":{"result":[]}}""").RootElement.Clone();
        }
    }

    private Process Start(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Lines(process).Enqueue(line.Data); };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) Lines(process).Enqueue(line.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>What each started process printed (stdout and stderr, in arrival order).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Collections.Concurrent.ConcurrentQueue<string>> Output = new();

    private static System.Collections.Concurrent.ConcurrentQueue<string> Lines(Process process) => Output.GetOrCreateValue(process);

    private static async Task WaitForLine(Process process, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            if (Output.GetOrCreateValue(process).Any(line => line.Contains(text)))
                return;
            if (process.HasExited)
                break;
            await Task.Delay(200);
        }
        throw new TimeoutException($"'{text}' did not come (exit: {(process.HasExited ? process.ExitCode : "running")}):\n{string.Join('\n', Output.GetOrCreateValue(process))}");
    }

    private void Stop(Process process)
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigTerm);
            if (!process.WaitForExit(30_000))
                process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        output.WriteLine($"--- {Path.GetFileName(process.StartInfo.FileName)} exited {process.ExitCode}; last lines:");
        foreach (var line in Output.GetOrCreateValue(process).TakeLast(5))
            output.WriteLine(line);
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("nectar-prometheus-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
