using Nectar.Interop;

namespace Nectar.Links;

/// <summary>
/// A dynamic perf PMU for probes (/sys/bus/event_source/devices/kprobe or .../uprobe): its event
/// type, and the config bit that makes an event a return probe. Shared by kprobes and uprobes.
/// </summary>
internal static class ProbePmu
{
    /// <summary>The PMU's perf event type; <paramref name="operation"/> and <paramref name="missing"/> word the error where the kernel has no such PMU.</summary>
    internal static uint Type(string pmuDirectory, string operation, string missing)
    {
        string typeFile = Path.Combine(pmuDirectory, "type");
        if (!File.Exists(typeFile))
            throw new BpfNotSupportedException($"{operation} ({pmuDirectory} is missing: {missing})", Errno.ENOSYS);
        return uint.Parse(File.ReadAllText(typeFile).Trim());
    }

    /// <summary>The event config of a probe: the return-probe bit ("config:N" in format/retprobe) or 0.</summary>
    internal static ulong Config(string pmuDirectory, bool isReturn)
    {
        if (!isReturn)
            return 0;
        string format = File.ReadAllText(Path.Combine(pmuDirectory, "format", "retprobe")).Trim();
        return 1UL << (format.StartsWith("config:", StringComparison.Ordinal) ? int.Parse(format["config:".Length..]) : 0);
    }
}
