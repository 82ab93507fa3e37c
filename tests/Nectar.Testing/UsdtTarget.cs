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

    private static string Build()
    {
        string sources = Fixtures.PathOf("usdt");
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nectar-usdt-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(folder);
        string output = System.IO.Path.Combine(folder, Name);
        var result = Processes.Run("gcc", ["-O2", "-o", output,
            System.IO.Path.Combine(sources, Name + ".c"), System.IO.Path.Combine(sources, "gated.c")]);
        Assert.True(result.ExitCode == 0, $"gcc could not build {Name}: {result.Error}");
        return output;
    }
}
