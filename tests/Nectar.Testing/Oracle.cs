namespace Nectar.Testing;

/// <summary>The outside tools tests use as oracles (never product dependencies). A test declares the ones it starts.</summary>
[Flags]
public enum Oracle
{
    None = 0,
    /// <summary>bpftool: libbpf's loader and the kernel's listings, as a second opinion.</summary>
    Bpftool = 1,
    /// <summary>clang-16 with libbpf's headers: compiles BPF C.</summary>
    Clang = 2,
    /// <summary>llvm-readelf-16: ELF symbols and program headers.</summary>
    LlvmReadelf = 4,
    /// <summary>llvm-objdump-16: disassembly.</summary>
    LlvmObjdump = 8,
    /// <summary>Debian's libbpf-tools, xdp-tools and libxdp1: a corpus of real-world BPF objects (execsnoop is the marker).</summary>
    DebianBpfTools = 16,
    /// <summary>gcc with sys/sdt.h (Debian's systemtap-sdt-dev): builds the USDT target program of the tests.</summary>
    SdtCompiler = 32,
    /// <summary>Debian's prometheus (2.42): the real scraper and query API the exec agent's metrics are checked with.</summary>
    Prometheus = 64,
}

/// <summary>Where the oracles are, how to install them, and whether CI requires them.</summary>
public static class Oracles
{
    /// <summary>Set by .ci/run after it installs the oracles: a test whose oracle is missing fails instead of skipping.</summary>
    public const string RequireVariable = "NECTAR_REQUIRE_ORACLES";

    /// <summary>True when NECTAR_REQUIRE_ORACLES=1.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Each single oracle of <paramref name="tools"/>, in a fixed order.</summary>
    public static IEnumerable<Oracle> Each(Oracle tools) =>
        Enum.GetValues<Oracle>().Where(tool => tool != Oracle.None && tools.HasFlag(tool));

    /// <summary>The command a test starts.</summary>
    public static string Command(Oracle tool) => tool switch
    {
        Oracle.Bpftool => "bpftool",
        Oracle.Clang => "clang-16",
        Oracle.LlvmReadelf => "llvm-readelf-16",
        Oracle.LlvmObjdump => "llvm-objdump-16",
        Oracle.DebianBpfTools => "execsnoop",
        Oracle.SdtCompiler => "gcc",
        Oracle.Prometheus => "prometheus",
        _ => throw new ArgumentOutOfRangeException(nameof(tool), tool, "one oracle at a time"),
    };

    /// <summary>How to install it on Debian (what .ci/run installs).</summary>
    public static string InstallHint(Oracle tool) => tool switch
    {
        Oracle.Bpftool => "apt-get install bpftool",
        Oracle.Clang => "apt-get install clang-16 llvm-16 libbpf-dev",
        Oracle.DebianBpfTools => "apt-get install libbpf-tools xdp-tools libxdp1",
        Oracle.SdtCompiler => "apt-get install gcc systemtap-sdt-dev",
        Oracle.Prometheus => "apt-get install prometheus",
        _ => "apt-get install llvm-16",
    };

    /// <summary>Whether the tool is on PATH (and, for clang, libbpf's headers the BPF sources include are there).</summary>
    public static bool IsInstalled(Oracle tool) =>
        OnPath(Command(tool)) && (tool != Oracle.Clang || File.Exists(LibbpfHelpersHeader))
        && (tool != Oracle.SdtCompiler || SdtHeaders.Any(File.Exists));

    /// <summary>Where Debian's systemtap-sdt-dev puts sys/sdt.h.</summary>
    private static readonly string[] SdtHeaders = ["/usr/include/sys/sdt.h", "/usr/include/x86_64-linux-gnu/sys/sdt.h", "/usr/include/aarch64-linux-gnu/sys/sdt.h"];

    private const string LibbpfHelpersHeader = "/usr/include/bpf/bpf_helpers.h";

    // /usr/sbin is searched too: Debian puts libbpf-tools there, outside a non-root PATH.
    private static bool OnPath(string command) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin")
        .Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>Where bpftool is, and a way to run it.</summary>
public static class Bpftool
{
    public const string Command = "bpftool";

    public static bool IsInstalled => Oracles.IsInstalled(Oracle.Bpftool);

    /// <summary>Runs bpftool and returns what it printed; fails the test when it exits non-zero.</summary>
    public static string Run(params string[] arguments)
    {
        var result = Processes.Run(Command, arguments);
        Assert.True(result.ExitCode == 0, $"bpftool {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }
}

/// <summary>The pinned BPF compiler.</summary>
public static class Clang
{
    public const string Command = "clang-16";

    public static bool IsInstalled => Oracles.IsInstalled(Oracle.Clang);
}
