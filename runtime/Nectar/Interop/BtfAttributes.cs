using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>BPF_BTF_LOAD's part of union bpf_attr.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BtfLoadAttr
{
    public ulong Btf;
    public ulong LogBuffer;
    public uint Size;
    public uint LogSize;
    public uint LogLevel;
    public uint LogTrueSize;
}
