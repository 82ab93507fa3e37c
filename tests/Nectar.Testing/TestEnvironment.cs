using Nectar.Features;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Testing;

/// <summary>What a test's requirements are checked against: the machine, or a fake one in the tests of this logic.</summary>
public interface ITestEnvironment
{
    /// <summary>NECTAR_REQUIRE_KERNEL=1: kernel tests must run, and fail where BPF is not usable.</summary>
    bool KernelRequired { get; }

    /// <summary>NECTAR_REQUIRE_ORACLES=1: tests must find their oracle tools, and fail without them.</summary>
    bool OraclesRequired { get; }

    /// <summary>Null when BPF is usable by this process; otherwise why not.</summary>
    string? WhyBpfUnusable { get; }

    bool IsInstalled(Oracle tool);

    KernelFeature Feature(AttachKind kind);

    KernelFeature Feature(ProgramType type);

    KernelFeature Feature(MapType type);

    KernelFeature Iterator(string target);
}

/// <summary>This machine: the environment variables CI sets, <see cref="KernelSupport"/>, PATH, and <see cref="KernelFeatures"/>' probes.</summary>
public sealed class MachineEnvironment : ITestEnvironment
{
    public const string RequireKernelVariable = "NECTAR_REQUIRE_KERNEL";

    public static MachineEnvironment Instance { get; } = new();

    public bool KernelRequired => Environment.GetEnvironmentVariable(RequireKernelVariable) == "1";

    public bool OraclesRequired => Oracles.Required;

    public string? WhyBpfUnusable => KernelSupport.WhyUnavailable;

    public bool IsInstalled(Oracle tool) => Oracles.IsInstalled(tool);

    public KernelFeature Feature(AttachKind kind) => KernelFeatures.Of(kind);

    public KernelFeature Feature(ProgramType type) => KernelFeatures.Of(type);

    public KernelFeature Feature(MapType type) => KernelFeatures.Of(type);

    public KernelFeature Iterator(string target) => KernelFeatures.OfIterator(target);
}
