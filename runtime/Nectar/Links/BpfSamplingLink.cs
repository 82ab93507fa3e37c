namespace Nectar.Links;

/// <summary>
/// A perf_event program (SEC("perf_event")) attached to sampling perf events, one per CPU: the
/// program runs on every sample of any of them. One handle for all CPUs; Dispose detaches every one.
/// </summary>
public sealed class BpfSamplingLink : IDisposable
{
    internal BpfSamplingLink(IReadOnlyList<BpfLink> links, IReadOnlyList<int> cpus, string description)
    {
        Links = links;
        Cpus = cpus;
        Description = description;
    }

    /// <summary>The link of each CPU's perf event, in the order of <see cref="Cpus"/>.</summary>
    public IReadOnlyList<BpfLink> Links { get; }

    /// <summary>The CPUs sampled (-1: a thread's event, on whichever CPU it runs).</summary>
    public IReadOnlyList<int> Cpus { get; }

    /// <summary>What is attached where ("count_samples on perf_event software:cpu-clock at 999 Hz, all processes, 2 CPU(s)").</summary>
    public string Description { get; }

    public void Dispose()
    {
        foreach (var link in Links)
            link.Dispose();
    }

    public override string ToString() => Description;
}
