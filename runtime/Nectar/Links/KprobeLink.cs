using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>kprobe/FUNCTION and kretprobe/FUNCTION through the perf kprobe PMU (no tracefs kprobe_events).</summary>
internal static unsafe class KprobeLink
{
    private const string PmuDirectory = "/sys/bus/event_source/devices/kprobe";

    internal static BpfLink Attach(BpfProgram program, string function, bool isReturn)
    {
        string kind = isReturn ? "kretprobe" : "kprobe";
        uint type = ProbePmu.Type(PmuDirectory, $"Attaching {kind} '{function}'", "the kernel lacks the perf kprobe PMU");
        byte[] name = CString.Encode(function);
        fixed (byte* pointer = name)
        {
            var attr = new PerfEventAttr
            {
                Type = type,
                Config = ProbePmu.Config(PmuDirectory, isReturn),
                Config1 = (ulong)pointer,
                SamplePeriod = 1,
                WakeupEvents = 1,
            };
            var perfEvent = PerfEvent.Open(ref attr, $"Opening {kind} '{function}' (is it in /proc/kallsyms and not blacklisted?)");
            return PerfEventLink.Attach(program, perfEvent, $"{program.Name} on {kind}/{function}");
        }
    }
}
