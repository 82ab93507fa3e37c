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
        if (!File.Exists(Path.Combine(PmuDirectory, "type")))
            throw new BpfNotSupportedException($"Attaching {kind} '{function}' ({PmuDirectory} is missing: the kernel lacks the perf kprobe PMU)", Errno.ENOSYS);
        uint type = uint.Parse(File.ReadAllText(Path.Combine(PmuDirectory, "type")).Trim());
        byte[] name = CString.Encode(function);
        fixed (byte* pointer = name)
        {
            var attr = new PerfEventAttr
            {
                Type = type,
                Config = isReturn ? 1UL << ReturnProbeBit() : 0,
                Config1 = (ulong)pointer,
                SamplePeriod = 1,
                WakeupEvents = 1,
            };
            var perfEvent = PerfEvent.Open(ref attr, $"Opening {kind} '{function}' (is it in /proc/kallsyms and not blacklisted?)");
            return PerfEventLink.Attach(program, perfEvent, $"{program.Name} on {kind}/{function}");
        }
    }

    /// <summary>The config bit that makes a kprobe PMU event a return probe ("config:0" in format/retprobe).</summary>
    private static int ReturnProbeBit()
    {
        string format = File.ReadAllText(Path.Combine(PmuDirectory, "format", "retprobe")).Trim();
        return format.StartsWith("config:", StringComparison.Ordinal) ? int.Parse(format["config:".Length..]) : 0;
    }
}
