using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>BPF_BTF_LOAD's part of union bpf_attr (include/uapi/linux/bpf.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BtfLoadAttr
{
    public ulong Btf;
    public ulong BtfLogBuf;
    public uint BtfSize;
    public uint BtfLogSize;
    public uint BtfLogLevel;
    /// <summary>Set by the kernel (6.4+): the log size that would have held the whole log.</summary>
    public uint BtfLogTrueSize;
    public uint BtfFlags;
    public int BtfTokenFd;
}
