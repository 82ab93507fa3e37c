namespace Nectar.Links;

/// <summary>
/// A perf_event program (SEC("perf_event")) attached to sampling perf events, one per CPU: the
/// program runs on every sample of any of them. One handle for all CPUs; Dispose detaches every one.
/// Its <see cref="BpfLink.Id"/> is null and <see cref="BpfLink.Pin"/> refuses when it spans more
/// than one CPU: each CPU's link in <see cref="Links"/> has its own.
/// </summary>
public sealed class BpfSamplingLink : BpfLink
{
    internal BpfSamplingLink(IReadOnlyList<BpfLink> links, IReadOnlyList<int> cpus, string description)
        : base(links, description, detached: null)
    {
        Links = links;
        Cpus = cpus;
    }

    /// <summary>The link of each CPU's perf event, in the order of <see cref="Cpus"/>.</summary>
    public IReadOnlyList<BpfLink> Links { get; }

    /// <summary>The CPUs sampled (-1: a thread's event, on whichever CPU it runs).</summary>
    public IReadOnlyList<int> Cpus { get; }
}
