using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>uprobe and uretprobe through the perf uprobe PMU: path in config1, file offset in config2.</summary>
internal static unsafe class UprobeLink
{
    internal const string PmuDirectory = "/sys/bus/event_source/devices/uprobe";

    internal static BpfLink Attach(BpfProgram program, UprobeTarget target, int processId, bool isReturn)
    {
        string kind = isReturn ? "uretprobe" : "uprobe";
        if (processId < -1)
            throw new ArgumentOutOfRangeException(nameof(processId), processId, "A uprobe's process id is -1 (every process) or a process id.");
        var (path, fileOffset) = target.Resolve();
        if (!File.Exists(Path.Combine(PmuDirectory, "type")))
            throw new BpfNotSupportedException($"Attaching {kind} to '{path}' ({PmuDirectory} is missing: the kernel is built without CONFIG_UPROBE_EVENTS)", Errno.ENOSYS);
        uint type = uint.Parse(File.ReadAllText(Path.Combine(PmuDirectory, "type")).Trim());
        string where = target.Function is { Length: > 0 } function
            ? $"{path}:{function}{(target.Offset == 0 ? "" : $"+{target.Offset}")} (file offset 0x{fileOffset:x})"
            : $"{path} at file offset 0x{fileOffset:x}";
        string forProcess = processId < 0 ? "" : $" for process {processId}";
        byte[] name = CString.Encode(path);
        fixed (byte* pointer = name)
        {
            var attr = new PerfEventAttr
            {
                Type = type,
                Config = isReturn ? 1UL << ReturnProbeBit() : 0,
                Config1 = (ulong)pointer,
                Config2 = fileOffset,
                SamplePeriod = 1,
                WakeupEvents = 1,
            };
            var perfEvent = ProcessPerfEvent.Open(ref attr, processId,
                $"Opening {kind} on {where}{forProcess} (is the offset at an instruction boundary, and does the process exist?)");
            return PerfEventLink.Attach(program, perfEvent, $"{program.Name} on {kind} {where}{forProcess}");
        }
    }

    /// <summary>The config bit that makes a uprobe PMU event a return probe ("config:0" in format/retprobe).</summary>
    private static int ReturnProbeBit()
    {
        string format = File.ReadAllText(Path.Combine(PmuDirectory, "format", "retprobe")).Trim();
        return format.StartsWith("config:", StringComparison.Ordinal) ? int.Parse(format["config:".Length..]) : 0;
    }
}
