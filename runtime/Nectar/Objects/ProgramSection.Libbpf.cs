using System;
using System.Collections.Generic;
namespace Nectar.Programs;

// The rest of libbpf 1.x's section table (its SEC_DEF list), written from its documented meaning:
// the program type and expected attach type each name loads with, whether it is sleepable, and
// how it attaches. Two ways to match, as libbpf's: "NAME+" matches NAME alone or NAME/anything
// (the rest is the target); an exact entry matches only the whole name.
//
// Kinds: the tracing ones attach as their plain counterparts do (raw_tp.w/ as raw_tp/, fentry.s/
// as fentry/, ksyscall/ as a kprobe on the syscall's wrapper); LoadOnly programs load but are
// attached by something other than Attach() (a devmap entry, a sockmap, a route, a socket
// option, BPF_PROG_TEST_RUN); Unsupported ones are refused before load with their own reason.
public sealed partial record ProgramSection
{
    private enum Match
    {
        /// <summary>NAME or NAME/TARGET.</summary>
        Prefix,
        /// <summary>Only NAME.</summary>
        Exact,
    }

    private static readonly (string Name, Match Match, AttachKind Kind, ProgramType Type, AttachType Attach)[] s_libbpf =
    [
        ("raw_tracepoint.w", Match.Prefix, AttachKind.RawTracepoint, ProgramType.RawTracepointWritable, AttachType.None),
        ("raw_tp.w", Match.Prefix, AttachKind.RawTracepoint, ProgramType.RawTracepointWritable, AttachType.None),
        ("ksyscall", Match.Prefix, AttachKind.Kprobe, ProgramType.Kprobe, AttachType.None),
        ("kretsyscall", Match.Prefix, AttachKind.Kretprobe, ProgramType.Kprobe, AttachType.None),
        ("fentry.s", Match.Prefix, AttachKind.Fentry, ProgramType.Tracing, AttachType.TraceFentry),
        ("fexit.s", Match.Prefix, AttachKind.Fexit, ProgramType.Tracing, AttachType.TraceFexit),
        ("fmod_ret", Match.Prefix, AttachKind.ModifyReturn, ProgramType.Tracing, AttachType.ModifyReturn),
        ("fmod_ret.s", Match.Prefix, AttachKind.ModifyReturn, ProgramType.Tracing, AttachType.ModifyReturn),
        ("lsm", Match.Prefix, AttachKind.Lsm, ProgramType.Lsm, AttachType.LsmMac),
        ("lsm.s", Match.Prefix, AttachKind.Lsm, ProgramType.Lsm, AttachType.LsmMac),
        ("iter.s", Match.Prefix, AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter),
        ("kprobe.multi", Match.Prefix, AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeMulti),
        ("kretprobe.multi", Match.Prefix, AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeMulti),
        ("kprobe.session", Match.Prefix, AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeSession),
        ("uprobe.multi", Match.Prefix, AttachKind.UprobeMulti, ProgramType.Kprobe, AttachType.TraceUprobeMulti),
        ("uretprobe.multi", Match.Prefix, AttachKind.UprobeMulti, ProgramType.Kprobe, AttachType.TraceUprobeMulti),
        ("uprobe.multi.s", Match.Prefix, AttachKind.UprobeMulti, ProgramType.Kprobe, AttachType.TraceUprobeMulti),
        ("uretprobe.multi.s", Match.Prefix, AttachKind.UprobeMulti, ProgramType.Kprobe, AttachType.TraceUprobeMulti),
        ("uprobe.session", Match.Prefix, AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceUprobeSession),
        ("usdt", Match.Prefix, AttachKind.Usdt, ProgramType.Kprobe, AttachType.None),
        ("usdt.s", Match.Prefix, AttachKind.Usdt, ProgramType.Kprobe, AttachType.None),
        ("xdp/devmap", Match.Exact, AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpDevmap),
        ("xdp/cpumap", Match.Exact, AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpCpumap),
        ("xdp.frags/devmap", Match.Exact, AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpDevmap),
        ("xdp.frags/cpumap", Match.Exact, AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpCpumap),
        ("flow_dissector", Match.Exact, AttachKind.LoadOnly, ProgramType.FlowDissector, AttachType.FlowDissector),
        ("lwt_in", Match.Exact, AttachKind.LoadOnly, ProgramType.LwtIn, AttachType.None),
        ("lwt_out", Match.Exact, AttachKind.LoadOnly, ProgramType.LwtOut, AttachType.None),
        ("lwt_xmit", Match.Exact, AttachKind.LoadOnly, ProgramType.LwtXmit, AttachType.None),
        ("lwt_seg6local", Match.Exact, AttachKind.LoadOnly, ProgramType.LwtSeg6Local, AttachType.None),
        ("sk_reuseport/migrate", Match.Exact, AttachKind.LoadOnly, ProgramType.SkReuseport, AttachType.SkReuseportSelectOrMigrate),
        ("sk_reuseport", Match.Exact, AttachKind.LoadOnly, ProgramType.SkReuseport, AttachType.SkReuseportSelect),
        ("cgroup/skb", Match.Exact, AttachKind.Cgroup, ProgramType.CgroupSkb, AttachType.None),
        ("sk_skb/stream_parser", Match.Exact, AttachKind.LoadOnly, ProgramType.SkSkb, AttachType.SkSkbStreamParser),
        ("sk_skb/stream_verdict", Match.Exact, AttachKind.LoadOnly, ProgramType.SkSkb, AttachType.SkSkbStreamVerdict),
        ("sk_skb/verdict", Match.Exact, AttachKind.LoadOnly, ProgramType.SkSkb, AttachType.SkSkbVerdict),
        ("sk_skb", Match.Exact, AttachKind.LoadOnly, ProgramType.SkSkb, AttachType.None),
        ("sk_msg", Match.Exact, AttachKind.LoadOnly, ProgramType.SkMsg, AttachType.SkMsgVerdict),
        ("sk_lookup", Match.Exact, AttachKind.LoadOnly, ProgramType.SkLookup, AttachType.SkLookup),
        ("lirc_mode2", Match.Exact, AttachKind.LoadOnly, ProgramType.LircMode2, AttachType.LircMode2),
        ("syscall", Match.Exact, AttachKind.LoadOnly, ProgramType.Syscall, AttachType.None),
        ("netfilter", Match.Exact, AttachKind.LoadOnly, ProgramType.Netfilter, AttachType.Netfilter),
        ("action", Match.Exact, AttachKind.LoadOnly, ProgramType.SchedAct, AttachType.None),
        ("netkit/primary", Match.Exact, AttachKind.LoadOnly, ProgramType.SchedCls, AttachType.NetkitPrimary),
        ("netkit/peer", Match.Exact, AttachKind.LoadOnly, ProgramType.SchedCls, AttachType.NetkitPeer),
        ("struct_ops", Match.Prefix, AttachKind.Unsupported, ProgramType.StructOps, AttachType.None),
        ("struct_ops.s", Match.Prefix, AttachKind.Unsupported, ProgramType.StructOps, AttachType.None),
        ("freplace", Match.Prefix, AttachKind.Unsupported, ProgramType.Ext, AttachType.None),
        ("lsm_cgroup", Match.Prefix, AttachKind.Unsupported, ProgramType.Lsm, AttachType.LsmCgroup),
    ];

    /// <summary>The sections loaded with BPF_F_SLEEPABLE (libbpf's SEC_SLEEPABLE): they may fault in user memory.</summary>
    private static readonly HashSet<string> s_sleepable = new(StringComparer.Ordinal)
    {
        "uprobe.s", "uretprobe.s", "fentry.s", "fexit.s", "fmod_ret.s", "lsm.s", "iter.s", "usdt.s",
        "uprobe.multi.s", "uretprobe.multi.s", "struct_ops.s", "syscall",
    };

    /// <summary>ksyscall/NAME, kretsyscall/NAME: a kprobe on the architecture's wrapper of syscall NAME (__x64_sys_NAME).</summary>
    public bool IsSyscallProbe => Prefix is "ksyscall" or "kretsyscall";

    /// <summary>"devmap" or "cpumap" for xdp/devmap, xdp.frags/cpumap, ...: the part after the '/'.</summary>
    private string MapKind => Name[(Name.IndexOf('/') + 1)..];

    /// <summary>The part of the name before the first '/' ("fentry.s" of "fentry.s/vfs_read").</summary>
    private string Prefix => Name.IndexOf('/') is var slash and >= 0 ? Name[..slash] : Name;

    private static ProgramSection? ParseLibbpf(string sectionName)
    {
        foreach (var known in s_libbpf)
        {
            if (known.Match == Match.Exact ? sectionName == known.Name
                : sectionName == known.Name || sectionName.StartsWith(known.Name + "/", StringComparison.Ordinal))
            {
                string target = known.Match == Match.Exact || sectionName.Length == known.Name.Length ? "" : sectionName[(known.Name.Length + 1)..];
                return new ProgramSection(sectionName, known.Kind, known.Type, known.Attach, target);
            }
        }
        return null;
    }

    /// <summary>Why a program of this section is refused before load, naming the section and what it would need.</summary>
    private string? SpecificUnsupportedReason => Prefix switch
    {
        "struct_ops" or "struct_ops.s" => $"section '{Name}' is a struct_ops program, loaded as part of a struct_ops map (BPF_MAP_TYPE_STRUCT_OPS, section .struct_ops), which Nectar does not support yet",
        "freplace" => $"section '{Name}' replaces a function of another loaded BPF program (freplace, BPF_PROG_TYPE_EXT), which needs that program's fd at load; Nectar does not support it yet",
        "lsm_cgroup" => $"section '{Name}' is a per-cgroup LSM program (BPF_LSM_CGROUP), which Nectar does not support yet",
        _ => null,
    };

    /// <summary>For LoadOnly programs: what attaches them, since Attach() cannot.</summary>
    public string LoadOnlyHint => Prefix switch
    {
        "xdp" or "xdp.frags" => $"section '{Name}' is an XDP program run from a {MapKind} entry: store its fd in a BPF_MAP_TYPE_{MapKind.ToUpperInvariant()} map value (bpf_{MapKind}_val.bpf_prog.fd)",
        "flow_dissector" => $"section '{Name}' is a flow dissector: attach it to a network namespace (BPF_LINK_CREATE with the netns fd, or bpftool net attach flow_dissector)",
        "lwt_in" or "lwt_out" or "lwt_xmit" or "lwt_seg6local" => $"section '{Name}' runs on a route: attach it with ip route ... encap bpf {Name[4..]} obj OBJECT section {Name}",
        "sk_reuseport" => $"section '{Name}' selects a socket of a SO_REUSEPORT group: attach it with setsockopt(SO_ATTACH_REUSEPORT_EBPF) on a socket of the group",
        "sk_skb" or "sk_msg" => $"section '{Name}' runs on the sockets of a sockmap or sockhash: attach it to that map (BPF_PROG_ATTACH with the map fd)",
        "sk_lookup" => $"section '{Name}' runs on socket lookups of a network namespace: attach it with BPF_LINK_CREATE on the netns fd",
        "lirc_mode2" => $"section '{Name}' runs on a LIRC device: attach it with BPF_PROG_ATTACH on the /dev/lircN fd",
        "syscall" => $"section '{Name}' is run on demand, not attached: run it with BPF_PROG_TEST_RUN",
        "netfilter" => $"section '{Name}' is a netfilter hook: attach it with BPF_LINK_CREATE (netfilter protocol family, hook, priority)",
        "action" => $"section '{Name}' is a tc action: attach it with tc filter ... action bpf obj OBJECT sec action",
        "netkit" => $"section '{Name}' runs on a netkit device: attach it with BPF_LINK_CREATE on the device",
        _ => $"section '{Name}' (expected attach type {ExpectedAttachType}) is loaded but Nectar does not attach it yet (kprobe.multi and session probes attach with BPF_LINK_CREATE)",
    };
}
