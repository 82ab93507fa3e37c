namespace Nectar.Testing;

/// <summary>
/// tests/fixtures/usdt/nectar_usdt_target: a C program with USDT probes (sys/sdt.h), built once
/// per test run with gcc -O2 into a temporary folder (tests that use it declare
/// Oracle.SdtCompiler). Its probes and the values they pass are described in its source.
/// </summary>
public static class UsdtTarget
{
    /// <summary>The program's name, as bpf/usdt_args.bpf.c's sections name it (found on PATH).</summary>
    public const string Name = "nectar_usdt_target";

    private static readonly Lazy<string> s_path = new(Build);

    /// <summary>The built program's full path.</summary>
    public static string Path => s_path.Value;

    /// <summary>The folder that holds it (put on PATH so section targets find it by name).</summary>
    public static string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Runs it for <paramref name="rounds"/> rounds and returns what it printed ("gated=N").</summary>
    public static string Run(int rounds)
    {
        var result = Processes.Run(Path, [rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(result.ExitCode == 0, $"{Name} failed ({result.ExitCode}): {result.Error}");
        return result.Output.Trim();
    }

    private static readonly Lazy<string> s_libbpfOracle = new(() => Compile("libbpf_usdt_specs", ["libbpf_usdt_specs.c"], "-lbpf"));

    /// <summary>
    /// tests/fixtures/usdt/libbpf_usdt_specs.c built against libbpf-dev: attaches USDT programs with
    /// libbpf and prints its __bpf_usdt_specs slots ("spec ID HEX"). Tests using it declare Oracle.Clang (libbpf-dev) too.
    /// </summary>
    public static string LibbpfOracle => s_libbpfOracle.Value;

    private static string Build() => Compile(Name, [Name + ".c", "gated.c"]);

    private static string Compile(string name, string[] sourceFiles, params string[] libraries)
    {
        string sources = Fixtures.PathOf("usdt");
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nectar-usdt-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(folder);
        string output = System.IO.Path.Combine(folder, name);
        var result = Processes.Run("gcc", ["-O2", "-o", output, .. sourceFiles.Select(f => System.IO.Path.Combine(sources, f)), .. libraries]);
        Assert.True(result.ExitCode == 0, $"gcc could not build {name}: {result.Error}");
        return output;
    }
}
