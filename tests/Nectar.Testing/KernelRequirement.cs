namespace Nectar.Testing;

/// <summary>Decides whether kernel tests skip or fail when BPF is not usable.</summary>
public static class KernelRequirement
{
    /// <summary>True when NECTAR_REQUIRE_KERNEL=1: kernel tests must run, and fail if they cannot.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("NECTAR_REQUIRE_KERNEL") == "1";

    /// <summary>Why kernel tests are skipped here, or null when they run.</summary>
    public static string? SkipReason =>
        Required || KernelSupport.IsAvailable ? null : "BPF is not usable here: " + KernelSupport.WhyUnavailable;

    /// <summary>Called first by every kernel test: fails it, naming the reason, when BPF is not usable.</summary>
    public static void Ensure()
    {
        if (KernelSupport.WhyUnavailable is { } reason)
            Assert.Fail("NECTAR_REQUIRE_KERNEL=1 but BPF is not usable: " + reason);
    }
}
