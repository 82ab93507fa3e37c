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

/// <summary>BPF_LINK_CREATE with the perf_event / tracing tail of its union.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LinkCreateAttr
{
    public uint ProgFd;
    public uint TargetFd;
    public uint AttachType;
    public uint Flags;
    /// <summary>perf_event.bpf_cookie, or tracing.target_btf_id in its low half.</summary>
    public ulong Tail0;
    public ulong Tail1;
}
