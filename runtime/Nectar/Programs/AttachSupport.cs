using Nectar.Btf;
using Nectar.Interop;

namespace Nectar.Programs;

/// <summary>
/// Whether this kernel can attach programs of a kind at all, and if not why: kernels built without
/// CONFIG_KPROBES have no kprobe PMU, and some (locked-down or restricted) refuse BPF trampolines.
/// Each kind is probed once per process.
/// </summary>
public static class AttachSupport
{
    private const string KprobePmu = "/sys/bus/event_source/devices/kprobe";
    private static readonly Lazy<string?> s_kprobes = new(() => Directory.Exists(KprobePmu) ? null
        : $"this kernel has no perf kprobe PMU ({KprobePmu} is missing; it is built without CONFIG_KPROBES)");
    private static readonly Lazy<string?> s_trampolines = new(ProbeTrampolines);

    /// <summary>Null when programs of <paramref name="kind"/> can attach here; otherwise the reason they cannot.</summary>
    public static string? WhyUnavailable(AttachKind kind) => kind switch
    {
        AttachKind.Kprobe or AttachKind.Kretprobe => s_kprobes.Value,
        AttachKind.Fentry or AttachKind.Fexit or AttachKind.ModifyReturn or AttachKind.Lsm => s_trampolines.Value,
        AttachKind.LoadOnly => "Nectar loads this kind of program but does not attach it itself",
        AttachKind.Uprobe or AttachKind.Uretprobe or AttachKind.UprobeMulti => Directory.Exists(Links.UprobeLink.PmuDirectory) ? null : $"this kernel has no perf uprobe PMU ({Links.UprobeLink.PmuDirectory} is missing; it is built without CONFIG_UPROBE_EVENTS)",
        AttachKind.Unsupported => "Nectar does not support this kind of program yet",
        _ => null,
    };

    /// <summary>Loads "r0 = 0; exit" as fentry on bpf_fentry_test1, the function the kernel keeps for such tests.</summary>
    private static string? ProbeTrampolines()
    {
        const string target = "bpf_fentry_test1";
        if (VmlinuxBtf.Instance.FindByName(target, BtfKind.Func) is not { } function)
            return $"the kernel's BTF has no {target} to probe BPF trampolines with";
        var section = ProgramSection.Parse("fentry/" + target);
        var spec = new ProgramSpec("nectar_probe", section, "GPL", [], [], []);
        BpfInstruction[] instructions = [new() { Opcode = 0xb7 }, new() { Opcode = 0x95 }];
        try
        {
            BpfProgram.Load(new ProgramLoadRequest(spec, instructions) { AttachBtfId = function.Id }).Dispose();
            return null;
        }
        catch (BpfException e)
        {
            return $"this kernel refuses fentry/fexit programs ({e.Message})";
        }
    }
}
