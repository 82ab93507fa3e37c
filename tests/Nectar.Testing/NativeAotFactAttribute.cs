namespace Nectar.Testing;

/// <summary>
/// A test that publishes with Native AOT: minutes of CPU (the ILCompiler package, then the
/// platform linker, gcc or clang, with objcopy). Skipped unless NECTAR_TEST_AOT=1, and where the
/// kernel tests would be skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeAotFactAttribute : FactAttribute
{
    public NativeAotFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NECTAR_TEST_AOT") != "1")
            Skip = "Native AOT publishing takes minutes: set NECTAR_TEST_AOT=1 to run it (needs gcc or clang, and objcopy).";
        else if (MachineEnvironment.Instance.WhyBpfUnusable is { } reason && !MachineEnvironment.Instance.KernelRequired)
            Skip = reason;
    }
}

/// <summary>
/// A test that builds the libbpf oracles of the benchmarks (bench/libbpf/build.sh: a C compiler and
/// libbpf-dev). Skipped, saying so, where either is missing; under NECTAR_REQUIRE_KERNEL=1 (CI,
/// which installs libbpf-dev) it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LibbpfFactAttribute : FactAttribute
{
    public LibbpfFactAttribute()
    {
        if (MachineEnvironment.Instance.WhyBpfUnusable is { } reason && !MachineEnvironment.Instance.KernelRequired)
            Skip = reason;
        else if (!MachineEnvironment.Instance.KernelRequired && !(File.Exists("/usr/include/bpf/libbpf.h") && OnPath("cc")))
            Skip = "the libbpf oracles need a C compiler and libbpf-dev (apt-get install gcc libbpf-dev); CI installs them.";
    }

    private static bool OnPath(string command) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, command)));
}
