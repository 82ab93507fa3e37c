namespace Nectar.Programs;

/// <summary>BPF program types (enum bpf_prog_type).</summary>
public enum ProgramType : uint
{
    Unspecified = 0,
    SocketFilter = 1,
    Kprobe = 2,
    SchedCls = 3,
    SchedAct = 4,
    Tracepoint = 5,
    Xdp = 6,
    PerfEvent = 7,
    CgroupSkb = 8,
    CgroupSock = 9,
    LwtIn = 10,
    LwtOut = 11,
    LwtXmit = 12,
    SockOps = 13,
    SkSkb = 14,
    CgroupDevice = 15,
    SkMsg = 16,
    RawTracepoint = 17,
    CgroupSockAddr = 18,
    LwtSeg6Local = 19,
    LircMode2 = 20,
    SkReuseport = 21,
    FlowDissector = 22,
    CgroupSysctl = 23,
    RawTracepointWritable = 24,
    CgroupSockopt = 25,
    Tracing = 26,
    StructOps = 27,
    Ext = 28,
    Lsm = 29,
    SkLookup = 30,
    Syscall = 31,
    Netfilter = 32,
}

/// <summary>BPF attach types (enum bpf_attach_type), the ones Nectar uses.</summary>
public enum AttachType : uint
{
    None = 0,
    TraceRawTp = 23,
    TraceFentry = 24,
    TraceFexit = 25,
    TraceIter = 28,
    /// <summary>BPF_XDP: an XDP program on a network device.</summary>
    Xdp = 37,
    PerfEvent = 41,
    /// <summary>BPF_TCX_INGRESS: a tc program on a device's ingress (tcx, Linux 6.6+).</summary>
    TcxIngress = 46,
    /// <summary>BPF_TCX_EGRESS: a tc program on a device's egress (tcx, Linux 6.6+).</summary>
    TcxEgress = 47,
}
