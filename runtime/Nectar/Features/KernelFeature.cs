namespace Nectar.Features;

/// <summary>The three tables <see cref="KernelFeatures"/> probes, named as `bpftool feature probe` names them.</summary>
public enum FeatureGroup
{
    /// <summary>enum bpf_prog_type: "program_type".</summary>
    ProgramType,
    /// <summary>enum bpf_map_type: "map_type".</summary>
    MapType,
    /// <summary>Nectar's <see cref="Programs.AttachKind"/>: "attach_kind" (tp_btf, kprobe, iter, tcx, ...).</summary>
    AttachKind,
    /// <summary>A BPF iterator target (iter/task, iter/bpf_map_elem, ...): "iter_target".</summary>
    IteratorTarget,
}

/// <summary>
/// One probed feature of the running kernel: available, or refused with the reason (the errno the
/// kernel gave the smallest program or map of that kind, and what it means).
/// </summary>
public sealed record KernelFeature(FeatureGroup Group, string Name, string? WhyRefused)
{
    public bool IsAvailable => WhyRefused is null;

    /// <summary>"program_type", "map_type" or "attach_kind".</summary>
    public string GroupName => Group switch
    {
        FeatureGroup.ProgramType => "program_type",
        FeatureGroup.MapType => "map_type",
        FeatureGroup.AttachKind => "attach_kind",
        _ => "iter_target",
    };

    /// <summary>One line of `nectar check`, worded like `bpftool feature probe kernel` ("program_type xdp is available").</summary>
    public override string ToString() => IsAvailable
        ? $"{GroupName} {Name} is available"
        : $"{GroupName} {Name} is NOT available: {WhyRefused}";
}
