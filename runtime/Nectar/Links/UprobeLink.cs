using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>uprobe and uretprobe through the perf uprobe PMU: path in config1, file offset in config2.</summary>
internal static unsafe class UprobeLink
{
    internal const string PmuDirectory = "/sys/bus/event_source/devices/uprobe";

    // processId: the one process to probe; null for every process.
    internal static BpfLink Attach(BpfProgram program, UprobeTarget target, int? processId, bool isReturn)
    {
        var (path, fileOffset) = target.Resolve();
        string where = target.Function is { Length: > 0 } function
            ? $"{path}:{function}{(target.Offset == 0 ? "" : $"+{target.Offset}")} (file offset 0x{fileOffset:x})"
            : $"{path} at file offset 0x{fileOffset:x}";
        return AttachAt(program, path, fileOffset, where, processId, isReturn);
    }

    /// <summary>
    /// A uprobe at <paramref name="fileOffset"/> of <paramref name="path"/>. A nonzero
    /// <paramref name="semaphoreOffset"/> is the file offset of a USDT semaphore the kernel
    /// increments in every process while the probe is on (ref_ctr_offset); a nonzero
    /// <paramref name="cookie"/> is the BPF cookie the program reads (bpf_get_attach_cookie).
    /// </summary>
    internal static BpfLink AttachAt(BpfProgram program, string path, ulong fileOffset, string where, int? processId, bool isReturn,
        ulong semaphoreOffset = 0, ulong cookie = 0)
    {
        string kind = isReturn ? "uretprobe" : "uprobe";
        if (processId < 0)
            throw new ArgumentOutOfRangeException(nameof(processId), processId, "A uprobe's process id is a process id, or null for every process.");
        uint type = ProbePmu.Type(PmuDirectory, $"Attaching {kind} to '{path}'", "the kernel is built without CONFIG_UPROBE_EVENTS");
        ulong config = ProbePmu.Config(PmuDirectory, isReturn);
        if (semaphoreOffset != 0)
            config |= ProbePmu.ReferenceCounter(PmuDirectory, semaphoreOffset, $"Attaching {kind} to {where}");
        string forProcess = processId is { } pid ? $" for process {pid}" : "";
        byte[] name = CString.Encode(path);
        fixed (byte* pointer = name)
        {
            var attr = new PerfEventAttr
            {
                Type = type,
                Config = config,
                Config1 = (ulong)pointer,
                Config2 = fileOffset,
                SamplePeriod = 1,
                WakeupEvents = 1,
            };
            // perf_event_open's pid -1: every process.
            var perfEvent = ProcessPerfEvent.Open(ref attr, processId ?? -1,
                $"Opening {kind} on {where}{forProcess} (is the offset at an instruction boundary, and does the process exist?)");
            return PerfEventLink.Attach(program, perfEvent, $"{program.Name} on {kind} {where}{forProcess}", cookie: cookie);
        }
    }
}
