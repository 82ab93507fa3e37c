using Nectar.Testing;

namespace Nectar.Tests.Programs;

/// <summary>
/// bpf/check-objects.sh is what ties committed BPF objects to their sources (CI runs it). These
/// tests run it on a scratch repository to show it passes on a faithful object and fails, naming
/// the object, on a tampered one or one without a source.
/// </summary>
public sealed class BpfObjectProvenanceTests : IDisposable
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        SEC("raw_tp/sys_enter") int probe(void *ctx) { return 0; }
        char LICENSE[] SEC("license") = "GPL";
        """;

    private readonly string _repo = Directory.CreateTempSubdirectory("nectar-provenance-").FullName;

    public BpfObjectProvenanceTests()
    {
        string bpf = Path.Combine(_repo, "bpf");
        Directory.CreateDirectory(Path.Combine(bpf, "include"));
        foreach (var script in new[] { "build.sh", "compile.sh", "check-objects.sh" })
            File.Copy(Path.Combine(Fixtures.Directory, "..", "..", "bpf", script), Path.Combine(bpf, script));
        File.WriteAllText(Path.Combine(bpf, "probe.bpf.c"), Source);
        Git("init", "-q", ".");
        Run("bash", "bpf/build.sh").AssertSucceeded();
        Commit();
    }

    [OracleFact(Oracle.Clang)]
    public void Faithful_object_passes()
    {
        var result = Run("bash", "bpf/check-objects.sh");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("1 BPF object(s) match their sources", result.Output);
    }

    [OracleFact(Oracle.Clang)]
    public void Tampered_object_fails_naming_it()
    {
        string objectPath = Path.Combine(_repo, "bpf", "probe.bpf.o");
        var bytes = File.ReadAllBytes(objectPath);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(objectPath, bytes);
        Commit();

        var result = Run("bash", "bpf/check-objects.sh");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bpf/probe.bpf.o differs from what bpf/probe.bpf.c compiles to", result.Error);
    }

    [OracleFact(Oracle.Clang)]
    public void Object_without_source_fails_naming_it()
    {
        Git("rm", "-q", "bpf/probe.bpf.c");
        Commit();

        var result = Run("bash", "bpf/check-objects.sh");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bpf/probe.bpf.o has no source", result.Error);
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private void Commit()
    {
        Git("add", "-A");
        Git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "--allow-empty", "-m", "fixture");
    }

    private void Git(params string[] arguments) => Run("git", arguments).AssertSucceeded();

    private Processes.Result Run(string command, params string[] arguments) => Processes.Run(command, arguments, _repo);
}

internal static class ProcessResultAssertions
{
    public static void AssertSucceeded(this Processes.Result result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}{result.Output}");
}
