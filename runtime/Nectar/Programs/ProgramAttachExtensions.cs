using Nectar.Links;

namespace Nectar.Programs;

/// <summary>
/// Attaching the kinds of program whose attachment takes more than a target name: iterators
/// (a map or process to walk, and a way to run them) and perf_event programs (a counter, a rate,
/// one perf event per CPU).
/// </summary>
public static class ProgramAttachExtensions
{
    /// <summary>
    /// Attaches an iterator (SEC("iter/TARGET")); read the returned link (ReadAll, ReadLines,
    /// ReadRecords, Open) to run it. Map-element targets need <see cref="IteratorOptions.Map"/>.
    /// </summary>
    public static BpfIteratorLink AttachIterator(this BpfProgram program, IteratorOptions? options = null) =>
        new(IteratorLink.Attach(program, options ?? new IteratorOptions()));

    /// <summary>Attaches a perf_event program (SEC("perf_event")) to sampling perf events: by default one on every online CPU.</summary>
    public static BpfSamplingLink AttachPerfEvent(this BpfProgram program, PerfSampling sampling) =>
        PerfSamplingLink.Attach(program, sampling);
}
