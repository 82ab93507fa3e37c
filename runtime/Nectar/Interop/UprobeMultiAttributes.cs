using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>BPF_LINK_CREATE's attr with its uprobe_multi member (Linux 6.6+): one link, many uprobes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UprobeMultiLinkCreateAttr
{
    public uint ProgFd;
    public uint TargetFd;
    public uint AttachType;
    public uint Flags;
    /// <summary>The binary's path (a NUL-terminated string).</summary>
    public ulong Path;
    /// <summary>An array of <see cref="Count"/> file offsets.</summary>
    public ulong Offsets;
    /// <summary>Semaphore (reference counter) offsets, or 0.</summary>
    public ulong RefCtrOffsets;
    /// <summary>BPF cookies, one per offset, or 0.</summary>
    public ulong Cookies;
    public uint Count;
    /// <summary>BPF_F_UPROBE_MULTI_RETURN (1) for uretprobes.</summary>
    public uint MultiFlags;
    /// <summary>Only this process, or 0 for every process.</summary>
    public uint Pid;
    private readonly uint _padding;
}
