using System.Runtime.InteropServices;

namespace Nectar.Interop;

// Enumerating and describing the kernel's BPF objects: *_GET_NEXT_ID, *_GET_FD_BY_ID and
// OBJ_GET_INFO_BY_FD. The info structs are the stable prefixes of bpf_prog_info, bpf_map_info and
// bpf_link_info that Nectar reads; the kernel copies no more than the size it is given.

[StructLayout(LayoutKind.Sequential)]
internal struct GetIdAttr
{
    /// <summary>start_id for *_GET_NEXT_ID; the id for *_GET_FD_BY_ID.</summary>
    public uint Id;
    public uint NextId;
    public uint OpenFlags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct InfoByFdAttr
{
    public uint BpfFd;
    public uint InfoLength;
    public ulong Info;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ProgInfoPrefix
{
    public uint Type;
    public uint Id;
    public fixed byte Tag[8];
    public uint JitedProgLength;
    public uint XlatedProgLength;
    public ulong JitedProgInstructions;
    public ulong XlatedProgInstructions;
    public ulong LoadTime;
    public uint CreatedByUid;
    public uint MapIdCount;
    public ulong MapIds;
    public fixed byte Name[16];
    public uint IfIndex;
    public uint Flags;
    public ulong NetnsDev;
    public ulong NetnsIno;
    public uint JitedKsymCount;
    public uint JitedFuncLengthCount;
    public ulong JitedKsyms;
    public ulong JitedFuncLengths;
    public uint BtfId;
    public uint FuncInfoRecordSize;
    public ulong FuncInfo;
    public uint FuncInfoCount;
    public uint LineInfoCount;
}

[StructLayout(LayoutKind.Sequential)]
internal struct BtfInfoPrefix
{
    public ulong Btf;
    public uint BtfSize;
    public uint Id;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapInfoPrefix
{
    public uint Type;
    public uint Id;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint MapFlags;
    public fixed byte Name[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct LinkInfoPrefix
{
    public uint Type;
    public uint Id;
    public uint ProgId;
}
