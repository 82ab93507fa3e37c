using Nectar.Links;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches this perf_event program (SEC("perf_event")) to sampling perf events: by default one
    /// on every online CPU, all in the one returned link.
    /// </summary>
    public BpfSamplingLink AttachPerfEvent(PerfSampling sampling)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        return PerfSamplingLink.Attach(this, sampling);
    }
}
