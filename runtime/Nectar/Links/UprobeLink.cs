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
        uint type = ProbePmu.Type(PmuDirectory, $"Attaching {kind} to '{path}'", "the kernel is built without CONFIG_UPROBE_EVENTS");
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
                Config = ProbePmu.Config(PmuDirectory, isReturn),
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
}
