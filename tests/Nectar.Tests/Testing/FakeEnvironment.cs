using Nectar.Features;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Testing;

/// <summary>A made-up machine for the tests of the requirement rules: what is refused and missing is whatever the test says.</summary>
internal sealed class FakeEnvironment : ITestEnvironment
{
    public bool KernelRequired { get; init; }
    public bool OraclesRequired { get; init; }
    public string? WhyBpfUnusable { get; init; }
    public Oracle Installed { get; init; } = Oracle.Bpftool | Oracle.Clang | Oracle.LlvmReadelf | Oracle.LlvmObjdump;
    public Dictionary<string, string> Refused { get; init; } = [];

    /// <summary>How many features the rules asked about (none should be probed where BPF is unusable).</summary>
    public int Probes { get; private set; }

    public bool IsInstalled(Oracle tool) => Installed.HasFlag(tool);

    public KernelFeature Feature(AttachKind kind) => Answer(FeatureGroup.AttachKind, kind.ToString());

    public KernelFeature Feature(ProgramType type) => Answer(FeatureGroup.ProgramType, type.ToString());

    public KernelFeature Feature(MapType type) => Answer(FeatureGroup.MapType, type.ToString());

    public KernelFeature Iterator(string target) => Answer(FeatureGroup.IteratorTarget, target);

    private KernelFeature Answer(FeatureGroup group, string name)
    {
        Probes++;
        return new KernelFeature(group, name, Refused.GetValueOrDefault(name));
    }
}
