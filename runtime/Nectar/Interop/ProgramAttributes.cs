using System.Runtime.InteropServices;

namespace Nectar.Interop;

// The BPF_PROG_LOAD part of union bpf_attr, up to log_true_size (Linux 6.4); older kernels accept
// it as long as the fields they do not know are zero.
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ProgLoadAttr
{
    public uint ProgType;
    public uint InstructionCount;
    public ulong Instructions;
    public ulong License;
    public uint LogLevel;
    public uint LogSize;
    public ulong LogBuffer;
    public uint KernelVersion;
    public uint ProgFlags;
    public fixed byte ProgName[16];
    public uint ProgIfIndex;
    public uint ExpectedAttachType;
    public uint ProgBtfFd;
    public uint FuncInfoRecordSize;
    public ulong FuncInfo;
    public uint FuncInfoCount;
    public uint LineInfoRecordSize;
    public ulong LineInfo;
    public uint LineInfoCount;
    public uint AttachBtfId;
    public uint AttachProgFd;
    public uint CoreRelocationCount;
    public ulong FdArray;
    public ulong CoreRelocations;
    public uint CoreRelocationRecordSize;
    public uint LogTrueSize;
}
