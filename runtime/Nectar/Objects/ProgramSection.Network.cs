namespace Nectar.Programs;

// The network sections, named as libbpf names them. Unlike the tracing kinds these are whole
// names, not "PREFIX/target": libbpf matches "xdp", "tc" and "socket" exactly, and "tcx/ingress"
// is one name whose suffix is the direction, not a kernel object to look up.
public sealed partial record ProgramSection
{
    private static readonly (string Name, AttachKind Kind, ProgramType Type, AttachType Attach, string Target)[] s_network =
    [
        ("xdp", AttachKind.Xdp, ProgramType.Xdp, AttachType.Xdp, ""),
        ("xdp.frags", AttachKind.Xdp, ProgramType.Xdp, AttachType.Xdp, ""),
        ("tcx/ingress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxIngress, "ingress"),
        ("tcx/egress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxEgress, "egress"),
        // libbpf 1.3+ reads tc/ingress and tc/egress as aliases of tcx.
        ("tc/ingress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxIngress, "ingress"),
        ("tc/egress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxEgress, "egress"),
        // Classic tc classifiers name no direction; Nectar attaches them through tcx too, with the
        // direction given to AttachTcx (the program type is the same, SCHED_CLS).
        ("tc", AttachKind.Tcx, ProgramType.SchedCls, AttachType.None, ""),
        ("classifier", AttachKind.Tcx, ProgramType.SchedCls, AttachType.None, ""),
        ("socket", AttachKind.SocketFilter, ProgramType.SocketFilter, AttachType.None, ""),
    ];

    /// <summary>xdp.frags, xdp.frags/devmap, xdp.frags/cpumap: loaded with BPF_F_XDP_HAS_FRAGS, so it may see multi-buffer (jumbo, GRO) packets.</summary>
    public bool IsXdpFrags => Prefix == "xdp.frags";

    /// <summary>The prog_flags BPF_PROG_LOAD sets for this section (sleepable, XDP frags).</summary>
    internal uint LoadFlags => (IsSleepable ? ProgramFlags.Sleepable : 0) | (IsXdpFrags ? ProgramFlags.XdpHasFrags : 0);

    private static ProgramSection? ParseNetwork(string sectionName)
    {
        foreach (var known in s_network)
        {
            if (known.Name == sectionName)
                return new ProgramSection(sectionName, known.Kind, known.Type, known.Attach, known.Target);
        }
        return null;
    }
}
