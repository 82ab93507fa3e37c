using System.Collections.Concurrent;
using Nectar.Features;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar;

/// <summary>
/// What this kernel lets this process load, probed the way `bpftool feature probe` does: the
/// smallest valid program or map of each kind is loaded (and closed at once). Each answer is probed
/// once per process and cached. Where BPF itself is unusable (see <see cref="KernelSupport"/>)
/// every feature is refused with that reason.
/// </summary>
public static class KernelFeatures
{
    private static readonly ConcurrentDictionary<(FeatureGroup, string), Lazy<KernelFeature>> s_cache = new();

    /// <summary>Whether programs of <paramref name="type"/> load here.</summary>
    public static KernelFeature Of(ProgramType type) => Cached(FeatureGroup.ProgramType, () =>
    {
        var probe = ProgramTypeProbes.For(type);
        var result = ProbeCalls.LoadProgram(probe);
        return ProbeOutcome.Interpret($"loading the smallest {KernelNames.ProgramType((uint)type)} program", probe.Expect, result.Succeeded, result.Errno, result.Log);
    }, KernelNames.ProgramType((uint)type));

    /// <summary>Whether maps of <paramref name="type"/> can be created here.</summary>
    public static KernelFeature Of(MapType type) => Cached(FeatureGroup.MapType, () =>
    {
        var probe = MapTypeProbes.For(type, Environment.SystemPageSize);
        var result = ProbeCalls.CreateMap(probe);
        return ProbeOutcome.Interpret($"creating the smallest {KernelNames.MapType((uint)type)} map", probe.Expect, result.Succeeded, result.Errno, result.Log);
    }, KernelNames.MapType((uint)type));

    /// <summary>Whether programs of <paramref name="kind"/> load and can attach here (tp_btf, kprobe, fentry, iter, tcx, ...).</summary>
    public static KernelFeature Of(AttachKind kind) =>
        Cached(FeatureGroup.AttachKind, () => AttachKindProbes.WhyRefused(kind), AttachKindProbes.Name(kind));

    /// <summary>Whether iter/<paramref name="target"/> programs load here (task, bpf_map_elem, ...; some kernels refuse only the map-element ones).</summary>
    public static KernelFeature OfIterator(string target) =>
        Cached(FeatureGroup.IteratorTarget, () => AttachKindProbes.IteratorTargetRefused(target), target);

    /// <summary>Every iterator target this kernel's BTF declares, each probed.</summary>
    public static IEnumerable<KernelFeature> IteratorTargets => KernelSupport.IsAvailable
        ? Programs.IteratorTargets.All(VmlinuxBtf.Instance).Select(OfIterator)
        : [];

    /// <summary>Every program type the kernel's enum has, each probed.</summary>
    public static IEnumerable<KernelFeature> ProgramTypes => ProgramTypeProbes.All.Select(Of);

    /// <summary>Every map type the kernel's enum has, each probed.</summary>
    public static IEnumerable<KernelFeature> MapTypes => MapTypeProbes.All.Select(Of);

    /// <summary>Every attach kind Nectar supports, each probed.</summary>
    public static IEnumerable<KernelFeature> AttachKinds => AttachKindProbes.All.Select(Of);

    /// <summary>The whole table: program types, map types, attach kinds, then iterator targets.</summary>
    public static IEnumerable<KernelFeature> All => ProgramTypes.Concat(MapTypes).Concat(AttachKinds).Concat(IteratorTargets);

    private static KernelFeature Cached(FeatureGroup group, Func<string?> probe, string name) =>
        s_cache.GetOrAdd((group, name), _ => new Lazy<KernelFeature>(() =>
            new KernelFeature(group, name, KernelSupport.WhyUnavailable is { } unusable ? "BPF is not usable here: " + unusable : probe()))).Value;
}
