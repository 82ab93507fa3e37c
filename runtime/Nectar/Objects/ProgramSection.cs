using System;
namespace Nectar.Programs;

/// <summary>How a program attaches, as its ELF section name (libbpf's SEC()) says.</summary>
public enum AttachKind
{
    /// <summary>A section Nectar recognises as a program but cannot load yet (uprobe.multi, lsm, sk_lookup, ...).</summary>
    Unsupported,
    /// <summary>raw_tp/NAME, raw_tracepoint/NAME: BPF_RAW_TRACEPOINT_OPEN by tracepoint name.</summary>
    RawTracepoint,
    /// <summary>tp_btf/NAME: a BTF-typed raw tracepoint (btf_trace_NAME in vmlinux BTF).</summary>
    TracepointBtf,
    /// <summary>tracepoint/CATEGORY/NAME, tp/CATEGORY/NAME: a tracefs event through perf_event_open.</summary>
    Tracepoint,
    /// <summary>kprobe/FUNCTION: the perf kprobe PMU.</summary>
    Kprobe,
    /// <summary>kretprobe/FUNCTION.</summary>
    Kretprobe,
    /// <summary>fentry/FUNCTION: BPF trampoline at function entry.</summary>
    Fentry,
    /// <summary>fexit/FUNCTION: BPF trampoline at function exit.</summary>
    Fexit,
    /// <summary>uprobe/BINARY:FUNCTION[+OFFSET] (or uprobe, attached by API): the perf uprobe PMU.</summary>
    Uprobe,
    /// <summary>uretprobe/BINARY:FUNCTION.</summary>
    Uretprobe,
    /// <summary>iter/TARGET: a BPF iterator (bpf_iter_TARGET in vmlinux BTF); reading it runs the program per object.</summary>
    Iterator,
    /// <summary>perf_event: runs on the samples of perf events (CPU sampling), one per CPU.</summary>
    PerfEvent,
    /// <summary>xdp, xdp.frags: XDP on a network device (BPF_LINK_CREATE with an ifindex); attach with AttachXdp.</summary>
    Xdp,
    /// <summary>tcx/ingress, tcx/egress, tc/ingress, tc/egress, tc, classifier: a tc program on a device through tcx; attach with AttachTcx.</summary>
    Tcx,
    /// <summary>socket: a socket filter (SO_ATTACH_BPF on one socket); attach with AttachSocketFilter.</summary>
    SocketFilter,
    /// <summary>cgroup_skb/, cgroup/, sockops: runs for the sockets or devices of a cgroup v2 (BPF_LINK_CREATE on its directory); attach with AttachCgroup.</summary>
    Cgroup,
    /// <summary>fmod_ret/FUNCTION, fmod_ret.s/: BPF trampoline that may override the function's return value.</summary>
    ModifyReturn,
    /// <summary>lsm/HOOK, lsm.s/HOOK: a BPF LSM program on security hook HOOK (bpf_lsm_HOOK in vmlinux BTF).</summary>
    Lsm,
    /// <summary>
    /// A program Nectar loads but that something other than Attach() attaches: a devmap or cpumap
    /// entry (xdp/devmap), a sockmap (sk_skb, sk_msg), a route (lwt_*), a socket option
    /// (sk_reuseport), a netns (flow_dissector, sk_lookup), BPF_PROG_TEST_RUN (syscall). See
    /// <see cref="ProgramSection.LoadOnlyHint"/>.
    /// </summary>
    LoadOnly,
    /// <summary>uprobe.multi/BINARY:PATTERN, uretprobe.multi/ (and .s): one link on every matching function (BPF_TRACE_UPROBE_MULTI).</summary>
    UprobeMulti,
    /// <summary>usdt/BINARY:PROVIDER:NAME (or usdt, attached with AttachUsdt), usdt.s/: a uprobe on every site of a USDT probe, its arguments read with usdt.bpf.h.</summary>
    Usdt,
}

/// <summary>
/// What a program's section name means: its program type, expected attach type and attach target.
/// Names follow libbpf's SEC() conventions so that objects written for libbpf load unchanged.
/// </summary>
public sealed partial record ProgramSection(string Name, AttachKind Kind, ProgramType Type, AttachType ExpectedAttachType, string Target)
{
    private static readonly (string Prefix, AttachKind Kind, ProgramType Type, AttachType Attach)[] s_known =
    [
        ("tp_btf", AttachKind.TracepointBtf, ProgramType.Tracing, AttachType.TraceRawTp),
        ("raw_tp", AttachKind.RawTracepoint, ProgramType.RawTracepoint, AttachType.None),
        ("raw_tracepoint", AttachKind.RawTracepoint, ProgramType.RawTracepoint, AttachType.None),
        ("tracepoint", AttachKind.Tracepoint, ProgramType.Tracepoint, AttachType.None),
        ("tp", AttachKind.Tracepoint, ProgramType.Tracepoint, AttachType.None),
        ("kprobe", AttachKind.Kprobe, ProgramType.Kprobe, AttachType.None),
        ("kretprobe", AttachKind.Kretprobe, ProgramType.Kprobe, AttachType.None),
        ("fentry", AttachKind.Fentry, ProgramType.Tracing, AttachType.TraceFentry),
        ("fexit", AttachKind.Fexit, ProgramType.Tracing, AttachType.TraceFexit),
        ("uprobe", AttachKind.Uprobe, ProgramType.Kprobe, AttachType.None),
        ("uretprobe", AttachKind.Uretprobe, ProgramType.Kprobe, AttachType.None),
        ("uprobe.s", AttachKind.Uprobe, ProgramType.Kprobe, AttachType.None),
        ("uretprobe.s", AttachKind.Uretprobe, ProgramType.Kprobe, AttachType.None),
        ("iter", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter),
        ("perf_event", AttachKind.PerfEvent, ProgramType.PerfEvent, AttachType.None),
    ];

    /// <summary>
    /// Whether the kind needs a target in the section name to load (the BTF-typed kinds resolve
    /// their target at load time).
    /// </summary>
    public bool NeedsTargetToLoad => Kind is AttachKind.TracepointBtf or AttachKind.Fentry or AttachKind.Fexit or AttachKind.Iterator
        or AttachKind.ModifyReturn or AttachKind.Lsm;

    public bool IsSupported => Kind != AttachKind.Unsupported;

    /// <summary>uprobe.s/, fentry.s/, lsm.s/, iter.s/, syscall, ...: loaded with BPF_F_SLEEPABLE, so the program may fault in user memory.</summary>
    public bool IsSleepable => s_sleepable.Contains(Prefix);

    /// <summary>Interprets an executable section's name; unknown names are <see cref="AttachKind.Unsupported"/>.</summary>
    public static ProgramSection Parse(string sectionName)
    {
        if ((ParseNetwork(sectionName) ?? ParseCgroup(sectionName) ?? ParseLibbpf(sectionName)) is { } whole)
            return whole;
        int slash = sectionName.IndexOf('/');
        string prefix = slash < 0 ? sectionName : sectionName[..slash];
        string target = slash < 0 ? "" : sectionName[(slash + 1)..];
        foreach (var known in s_known)
        {
            if (known.Prefix == prefix)
                return new ProgramSection(sectionName, known.Kind, known.Type, known.Attach, target);
        }
        return new ProgramSection(sectionName, AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, target);
    }

    /// <summary>Why a program of this section cannot be loaded by Nectar, in words.</summary>
    public string UnsupportedReason => SpecificUnsupportedReason ??
        $"section '{Name}' is not yet supported by Nectar (it loads the sections libbpf 1.x defines except struct_ops/, freplace/ and lsm_cgroup/)";
}
