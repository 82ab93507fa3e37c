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

    /// <summary>
    /// The config bits that carry a uprobe's reference counter (a USDT semaphore's file offset):
    /// "config:32-63" in format/ref_ctr_offset (Linux 4.20+).
    /// </summary>
    internal static ulong ReferenceCounter(string pmuDirectory, ulong offset, string operation)
    {
        string file = Path.Combine(pmuDirectory, "format", "ref_ctr_offset");
        if (!File.Exists(file))
            throw new BpfNotSupportedException($"{operation}: the probe has a semaphore, and this kernel's uprobe PMU cannot increment one ({file} is missing; Linux 4.20 or newer has it)", Errno.ENOSYS);
        string format = File.ReadAllText(file).Trim();
        int shift = format.StartsWith("config:", StringComparison.Ordinal) && format.IndexOf('-') is int dash and > 7
            && int.TryParse(format.AsSpan(7, dash - 7), out int low) ? low : 32;
        if (offset >> (64 - shift) != 0)
            throw new BpfNotSupportedException($"{operation}: semaphore file offset 0x{offset:x} does not fit the {64 - shift} bits of ref_ctr_offset", Errno.EINVAL);
        return offset << shift;
    }
}
