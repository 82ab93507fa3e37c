using Nectar.Features;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Testing;

/// <summary>
/// What a test needs, as its [KernelFact]/[KernelTheory]/[OracleFact]/[OracleTheory] declares it,
/// and the rule that turns that into run, skip or fail:
/// - BPF unusable: skip, or fail under NECTAR_REQUIRE_KERNEL=1 (a missing privilege or BTF is the machine's fault);
/// - a kernel feature the probe found refused: skip, even under NECTAR_REQUIRE_KERNEL=1 (that is the kernel's build);
/// - an oracle tool missing: skip, or fail under NECTAR_REQUIRE_ORACLES=1 (CI installs them).
/// </summary>
public sealed record TestRequirements
{
    /// <summary>The test uses BPF in the running kernel.</summary>
    public bool Kernel { get; init; }

    public Oracle Tools { get; init; }

    public IReadOnlyList<AttachKind> AttachKinds { get; init; } = [];

    public IReadOnlyList<ProgramType> ProgramTypes { get; init; } = [];

    public IReadOnlyList<MapType> MapTypes { get; init; } = [];

    /// <summary>Iterator targets whose iter/TARGET programs the test loads (task, bpf_map_elem, ...).</summary>
    public IReadOnlyList<string> Iterators { get; init; } = [];

    /// <summary>Why the kernel cannot do what this test needs, for needs no probe covers (a kernel version); null when it can.</summary>
    public Func<string?>? KernelRefusal { get; init; }

    public TestDecision Decide(ITestEnvironment environment)
    {
        if (Kernel)
        {
            if (environment.WhyBpfUnusable is { } unusable)
                return environment.KernelRequired
                    ? TestDecision.Fail($"{MachineEnvironment.RequireKernelVariable}=1 but BPF is not usable: {unusable}")
                    : TestDecision.Skip($"BPF is not usable here: {unusable}");
            foreach (var feature in Features(environment))
            {
                if (feature.WhyRefused is { } refused)
                    return TestDecision.Skip($"this kernel refuses {feature.GroupName} {feature.Name}: {refused}");
            }
            if (KernelRefusal?.Invoke() is { } refusal)
                return TestDecision.Skip(refusal);
        }
        foreach (var tool in Oracles.Each(Tools))
        {
            if (environment.IsInstalled(tool))
                continue;
            string command = Oracles.Command(tool), hint = Oracles.InstallHint(tool);
            return environment.OraclesRequired
                ? TestDecision.Fail($"{Oracles.RequireVariable}=1 but {command} is not installed ({hint})")
                : TestDecision.Skip($"{command} is not installed ({hint}); CI installs it and sets {Oracles.RequireVariable}=1");
        }
        return TestDecision.Run;
    }

    private IEnumerable<KernelFeature> Features(ITestEnvironment environment) =>
        ProgramTypes.Select(environment.Feature)
            .Concat(MapTypes.Select(environment.Feature))
            .Concat(AttachKinds.Select(environment.Feature))
            .Concat(Iterators.Select(environment.Iterator));
}
