using System.Runtime.InteropServices;

namespace Nectar.Interop;

// The parts of union bpf_attr that attach programs.

/// <summary>BPF_RAW_TRACEPOINT_OPEN: raw_tp by name, or a tracing program (tp_btf, fentry, fexit) with Name = 0.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawTracepointOpenAttr
{
    public ulong Name;
    public uint ProgFd;
    private uint _pad;
    public ulong Cookie;
}

/// <summary>
/// BPF_LINK_CREATE: the common head, then the union that each link kind reads: perf_event.bpf_cookie,
/// tracing.target_btf_id, or an iterator's iter_info pointer and length.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct LinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    /// <summary>target_fd or target_ifindex.</summary>
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary>iter_info: a pointer to a union bpf_iter_link_info, or 0.</summary>
    [FieldOffset(16)] public ulong IterInfo;
    /// <summary>perf_event.bpf_cookie (the same bytes as iter_info): what bpf_get_attach_cookie() returns.</summary>
    [FieldOffset(16)] public ulong PerfEventCookie;
    [FieldOffset(24)] public uint IterInfoLength;
}
