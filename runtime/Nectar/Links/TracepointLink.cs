using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>tracepoint/CATEGORY/NAME: the tracefs id, a perf event for it, and a BPF link to that.</summary>
internal static class TracepointLink
{
    /// <param name="program">A loaded tracepoint program.</param>
    /// <param name="target">CATEGORY/NAME.</param>
    /// <param name="legacy">Attach with perf ioctls, as on kernels before 5.15, even where BPF links exist (for tests).</param>
    internal static BpfLink Attach(BpfProgram program, string target, bool legacy = false)
    {
        int slash = target.IndexOf('/');
        if (slash <= 0 || slash == target.Length - 1)
            throw new ArgumentException($"Program '{program.Name}': tracepoint '{target}' must be CATEGORY/NAME, as in tracepoint/syscalls/sys_enter_openat.");
        ulong id = Tracefs.TracepointId(target[..slash], target[(slash + 1)..]);
        var attr = new PerfEventAttr { Type = PerfEvent.TypeTracepoint, Config = id, SamplePeriod = 1, WakeupEvents = 1 };
        var perfEvent = PerfEvent.Open(ref attr, $"Opening a perf event for tracepoint '{target}'");
        return PerfEventLink.Attach(program, perfEvent, $"{program.Name} on tracepoint/{target}", legacy);
    }
}
