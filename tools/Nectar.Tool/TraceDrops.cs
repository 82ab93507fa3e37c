using Microsoft.Extensions.Logging;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// The drop counters of a traced object: its writable globals named <c>dropped</c> or
/// <c>*_dropped</c> (u32 or u64), the convention of bpf/exec_observer.bpf.c, where a program
/// counts the events its ring buffer had no room for. <see cref="Report"/> warns about new drops
/// as they happen (called once a second), so that loss is seen while tracing, not after.
/// </summary>
internal sealed class TraceDrops
{
    private readonly List<(string Name, int Size)> _counters;
    private readonly Dictionary<string, ulong> _reported = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public TraceDrops(BpfObjectSpec spec, ILogger logger)
    {
        _logger = logger;
        _counters = spec.Variables.Values
            .Where(v => (v.Name == "dropped" || v.Name.EndsWith("_dropped", StringComparison.Ordinal)) && v.Size is 4 or 8 && !v.IsConstant)
            .Select(v => (v.Name, v.Size)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The counters' names, for the start line.</summary>
    public IReadOnlyList<string> Names => _counters.Select(c => c.Name).ToList();

    /// <summary>Drops counted so far, over all counters, as of the last <see cref="Report"/>.</summary>
    public ulong Total => _reported.Values.Aggregate(0UL, (sum, value) => sum + value);

    /// <summary>Reads every counter; logs a warning for each that grew since the last call.</summary>
    public void Report(BpfObject obj)
    {
        foreach (var (name, size) in _counters)
        {
            ulong now = size == 8 ? obj.Variables[name].Get<ulong>() : obj.Variables[name].Get<uint>();
            ulong before = _reported.GetValueOrDefault(name);
            if (now <= before)
                continue;
            _reported[name] = now;
            _logger.LogWarning("{New} event(s) dropped since the last report ({Counter} = {Total}): the ring buffer was full; the consumer or its output is too slow.", now - before, name, now);
        }
    }
}
