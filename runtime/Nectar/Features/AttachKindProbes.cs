using Nectar.Btf;
using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Features;

/// <summary>
/// How each attach kind is probed: its program type must load, and then what that kind needs
/// beyond it (a BTF target the trampoline or iterator accepts, a perf PMU, a link type the kernel
/// knows). Each probe loads "r0 = 0; exit" and attaches nothing anywhere.
/// </summary>
internal static class AttachKindProbes
{
    private const string KprobePmu = "/sys/bus/event_source/devices/kprobe";
    private const string TrampolineTarget = "bpf_fentry_test1";    // the function the kernel keeps for trampoline tests
    private const string TracepointTarget = "sched_switch";
    private const string IteratorTarget = "task";

    /// <summary>Every kind Nectar attaches, in the order of <see cref="AttachKind"/>.</summary>
    public static IEnumerable<AttachKind> All =>
        Enum.GetValues<AttachKind>().Where(kind => kind is not (AttachKind.Unsupported or AttachKind.LoadOnly));

    /// <summary>The kind's name as its section prefix spells it (raw_tp, tp_btf, iter, ...).</summary>
    public static string Name(AttachKind kind) => kind switch
    {
        AttachKind.RawTracepoint => "raw_tp",
        AttachKind.TracepointBtf => "tp_btf",
        AttachKind.Tracepoint => "tracepoint",
        AttachKind.Kprobe => "kprobe",
        AttachKind.Kretprobe => "kretprobe",
        AttachKind.Fentry => "fentry",
        AttachKind.Fexit => "fexit",
        AttachKind.Uprobe => "uprobe",
        AttachKind.Uretprobe => "uretprobe",
        AttachKind.Iterator => "iter",
        AttachKind.PerfEvent => "perf_event",
        AttachKind.Xdp => "xdp",
        AttachKind.Tcx => "tcx",
        AttachKind.SocketFilter => "socket",
        AttachKind.Cgroup => "cgroup",
        AttachKind.ModifyReturn => "fmod_ret",
        AttachKind.Lsm => "lsm",
        AttachKind.UprobeMulti => "uprobe.multi",
        AttachKind.Usdt => "usdt",
        AttachKind.LoadOnly => "load-only",
        _ => "unsupported",
    };

    /// <summary>Null when <paramref name="kind"/> can be loaded and attached here; otherwise why not.</summary>
    public static string? WhyRefused(AttachKind kind) => kind switch
    {
        AttachKind.RawTracepoint => ProgramType(Programs.ProgramType.RawTracepoint),
        AttachKind.Tracepoint => ProgramType(Programs.ProgramType.Tracepoint) ?? TracefsMissing(),
        AttachKind.Kprobe or AttachKind.Kretprobe => ProgramType(Programs.ProgramType.Kprobe) ?? PmuMissing(KprobePmu, "CONFIG_KPROBE_EVENTS"),
        AttachKind.Uprobe or AttachKind.Uretprobe or AttachKind.Usdt => ProgramType(Programs.ProgramType.Kprobe) ?? PmuMissing(UprobeLink.PmuDirectory, "CONFIG_UPROBE_EVENTS"),
        // uprobe.multi is a link type of its own (Linux 6.6+); the uprobe PMU says nothing about it.
        AttachKind.UprobeMulti => ProgramType(Programs.ProgramType.Kprobe) ?? PmuMissing(UprobeLink.PmuDirectory, "CONFIG_UPROBE_EVENTS"),
        AttachKind.ModifyReturn => Tracing(AttachType.ModifyReturn, "bpf_modify_return_test", BtfKind.Func, "fmod_ret/bpf_modify_return_test"),
        AttachKind.Lsm => Tracing(AttachType.LsmMac, "bpf_lsm_file_open", BtfKind.Func, "lsm/file_open", Programs.ProgramType.Lsm),
        AttachKind.LoadOnly => "Nectar loads this kind of program but does not attach it itself",
        AttachKind.TracepointBtf => Tracing(AttachType.TraceRawTp, "btf_trace_" + TracepointTarget, BtfKind.Typedef, "tp_btf/" + TracepointTarget),
        AttachKind.Fentry => Tracing(AttachType.TraceFentry, TrampolineTarget, BtfKind.Func, "fentry/" + TrampolineTarget),
        AttachKind.Fexit => Tracing(AttachType.TraceFexit, TrampolineTarget, BtfKind.Func, "fexit/" + TrampolineTarget),
        AttachKind.Iterator => RunsIterator(IteratorTarget),
        AttachKind.PerfEvent => ProgramType(Programs.ProgramType.PerfEvent),
        AttachKind.SocketFilter => ProgramType(Programs.ProgramType.SocketFilter),
        AttachKind.Cgroup => ProgramType(Programs.ProgramType.CgroupSkb),
        // An XDP link on a missing device is EINVAL like an unknown link type, so only the program type can be probed.
        AttachKind.Xdp => ProgramType(Programs.ProgramType.Xdp),
        AttachKind.Tcx => LinkType(Programs.ProgramType.SchedCls, AttachType.TcxIngress, "tcx (BPF_LINK_CREATE, Linux 6.6+)"),
        _ => "Nectar does not support this kind of program yet",
    };

    private static string? ProgramType(ProgramType type) =>
        KernelFeatures.Of(type).WhyRefused is { } why ? $"program_type {KernelNames.ProgramType((uint)type)} is not available: {why}" : null;

    /// <summary>Null when iter/<paramref name="target"/> programs load here (some kernels refuse map-element iterators only); otherwise why not.</summary>
    public static string? IteratorTargetRefused(string target) =>
        Tracing(AttachType.TraceIter, IteratorTargets.FunctionPrefix + target, BtfKind.Func, "iter/" + target);

    /// <summary>A tracing program against a real vmlinux BTF target: what tp_btf, fentry, fexit and iter programs are.</summary>
    private static string? Tracing(AttachType attachType, string targetName, BtfKind targetKind, string section,
        ProgramType programType = Programs.ProgramType.Tracing)
    {
        using var program = LoadTracing(attachType, targetName, targetKind, section, out string? refused, programType);
        return refused;
    }

    private static BpfFileDescriptor? LoadTracing(AttachType attachType, string targetName, BtfKind targetKind, string section, out string? refused,
        ProgramType programType = Programs.ProgramType.Tracing)
    {
        if (VmlinuxBtf.Instance.FindByName(targetName, targetKind) is not { } target)
        {
            refused = $"this kernel's BTF has no {targetName} to probe {section} with";
            return null;
        }
        var probe = new ProgramProbe(programType, ProbeExpectation.Loads) { ExpectedAttachType = (uint)attachType, AttachBtfId = target.Id };
        var program = ProbeCalls.TryLoadProgram(probe, out var result);
        refused = ProbeOutcome.Interpret($"loading the smallest {section} program", probe.Expect, result.Succeeded, result.Errno, result.Log);
        return program;
    }

    /// <summary>An iterator is usable when its program loads, links, starts and reads: the probe does all four with iter/TARGET.</summary>
    private static string? RunsIterator(string target)
    {
        using var program = LoadTracing(AttachType.TraceIter, IteratorTargets.FunctionPrefix + target, BtfKind.Func, "iter/" + target, out string? refused);
        if (program is null)
            return refused;
        var (result, step) = ProbeCalls.RunIterator(program);
        return ProbeOutcome.Interpret($"the smallest iter/{target} program loaded, but {step}", ProbeExpectation.Loads, result.Succeeded, result.Errno, result.Log);
    }

    /// <summary>
    /// The program type loads, and BPF_LINK_CREATE with the attach type on an interface that cannot
    /// exist (ifindex ~0) fails with ENODEV: the kernel knows the link type and looked for the device.
    /// Older kernels answer EINVAL. Nothing is attached.
    /// </summary>
    private static string? LinkType(ProgramType type, AttachType attachType, string what)
    {
        if (ProgramType(type) is { } missing)
            return missing;
        var probe = ProgramTypeProbes.For(type) with { ExpectedAttachType = (uint)attachType };
        using var program = ProbeCalls.TryLoadProgram(probe, out var load);
        if (program is null)
            return ProbeOutcome.Interpret($"loading the smallest {KernelNames.ProgramType((uint)type)} program", probe.Expect, false, load.Errno, load.Log);
        var link = ProbeCalls.CreateLinkOnNothing(program, attachType);
        return ProbeOutcome.Interpret($"creating a {what} link", new ProbeExpectation(ProbeOutcome.ENODEV), link.Succeeded, link.Errno, link.Log);
    }

    private static string? PmuMissing(string directory, string config) => Directory.Exists(directory) ? null
        : $"this kernel has no perf PMU {directory} (it is built without {config})";

    private static string? TracefsMissing()
    {
        try
        {
            _ = Tracefs.Root;
            return null;
        }
        catch (BpfException e)
        {
            return "tracefs is not mounted and could not be: " + e.Message;
        }
    }
}
