using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// The expensive outer checks of the performance work: the native `nectar` (Native AOT) runs its
/// verbs, and the benchmarks print libbpf's figures beside Nectar's when given the libbpf oracles.
/// </summary>
public class NativeAotAndOracleTests
{
    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));

    private const string Decimal = @"\d[\d,]*\.\d+";

    [NativeAotFact]
    public void The_native_nectar_publishes_without_warnings_and_runs_its_verbs()
    {
        string output = Path.Combine(Path.GetTempPath(), $"nectar-aot-{Environment.ProcessId}");
        try
        {
            var publish = Processes.Run(NectarCli.DotnetHost,
                ["publish", Path.Combine(RepositoryRoot, "tools", "Nectar.Tool"), "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output],
                timeout: TimeSpan.FromMinutes(20));
            Assert.True(publish.ExitCode == 0, publish.Output + publish.Error);
            Assert.DoesNotMatch(@"warning (IL|NETSDK)\d+", publish.Output);
            string nectar = Path.Combine(output, "Nectar.Tool");

            var check = Processes.Run(nectar, ["check"]);
            Assert.True(check.ExitCode == 0, check.Output + check.Error);
            Assert.Contains("BPF is usable", check.Output);
            var list = Processes.Run(nectar, ["prog", "list"]);
            Assert.True(list.ExitCode == 0, list.Error);
            Assert.StartsWith("id", list.Output);
            var load = Processes.Run(nectar, ["prog", "load", BpfObjects.PathOf("exec_observer")]);
            Assert.True(load.ExitCode == 0, load.Output + load.Error);
            Assert.Contains("2 of 2 program(s) of exec_observer.bpf.o loaded.", load.Output);
            var trace = Processes.Run(nectar, ["trace", BpfObjects.PathOf("log_exec"), "--duration", "1"]);
            Assert.True(trace.ExitCode == 0, trace.Output + trace.Error);
            var ring = Processes.Run(nectar, ["bench", "ringbuf", "--events", "64000", "--runs", "1"]);
            Assert.True(ring.ExitCode == 0, ring.Output + ring.Error);
            Assert.Contains("dropped 0 in all", ring.Output);
            var codegen = Processes.Run(nectar, ["codegen", "--type", "task_struct"]);
            Assert.True(codegen.ExitCode == 0, codegen.Error);
            Assert.Contains("struct task_struct", codegen.Output);
        }
        finally
        {
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
        }
    }

    [LibbpfFact]
    public void With_the_libbpf_oracles_each_bench_prints_libbpf_figures_and_the_ratios()
    {
        string oracles = Path.Combine(RepositoryRoot, "bench", "libbpf", "out");
        var build = Processes.Run("bash", [Path.Combine(RepositoryRoot, "bench", "libbpf", "build.sh")]);
        Assert.True(build.ExitCode == 0, build.Output + build.Error);

        var ring = NectarCli.Run("bench", "ringbuf", "--events", "64000", "--runs", "1", "--libbpf", oracles);
        Assert.True(ring.ExitCode == 0, ring.Output + ring.Error);
        Assert.Matches($@"run 1 libbpf: 64,000 events in {Decimal} s = {Decimal} M events/s; consumer CPU {Decimal} s = {Decimal} ns/event; submitted 64,000; dropped 0", ring.Output);
        Assert.Matches($@"ratio nectar/libbpf: events/s {Decimal}x, consumer CPU per event {Decimal}x \(medians\)", ring.Output);

        var attach = NectarCli.Run("bench", "attach", "--calls", "2000", "--runs", "1", "--libbpf", oracles);
        Assert.True(attach.ExitCode == 0, attach.Output + attach.Error);
        Assert.Matches($@"run 1 libbpf: bare {Decimal} ns/call; raw_tp_count [+-]{Decimal} ns", attach.Output);
        Assert.Matches($@"\nraw_tp_count\s+\+\s*-?{Decimal}\s+-?{Decimal}\s+\+\s*-?{Decimal}\s+-?{Decimal}\s+-?{Decimal}x", attach.Output);

        var load = NectarCli.Run("bench", "load", "--runs", "1", "--libbpf", oracles);
        Assert.True(load.ExitCode == 0, load.Output + load.Error);
        Assert.Matches($@"cold 1 libbpf: open_ms={Decimal} load_ms={Decimal} attach_ms={Decimal} total_ms={Decimal}", load.Output);
        Assert.Matches($@"\ntotal(\s+{Decimal}){{8}}\s+{Decimal}x\s+{Decimal}x", load.Output);
    }
}
