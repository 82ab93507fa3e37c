using System.Runtime.InteropServices;

namespace Nectar.Interop;

// The parts of union bpf_attr (include/uapi/linux/bpf.h) that Nectar passes. Each struct is the
// prefix of the union that one command reads; the kernel requires the bytes past what it knows
// to be zero, which a fresh struct guarantees.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapCreateAttr
{
    public uint MapType;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint MapFlags;
    public uint InnerMapFd;
    public uint NumaNode;
    public fixed byte MapName[16];
    public uint MapIfIndex;
    public uint BtfFd;
    public uint BtfKeyTypeId;
    public uint BtfValueTypeId;
    public uint BtfVmlinuxValueTypeId;
    public ulong MapExtra;
}

[StructLayout(LayoutKind.Sequential)]
internal struct MapElemAttr
{
    public uint MapFd;
    private uint _pad;
    public ulong Key;
    /// <summary>value, or next_key for BPF_MAP_GET_NEXT_KEY.</summary>
    public ulong Value;
    public ulong Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct ObjPinAttr
{
    public ulong PathName;
    public uint BpfFd;
    public uint FileFlags;
    public int PathFd;
}

[StructLayout(LayoutKind.Sequential)]
internal struct MapFreezeAttr
{
    public uint MapFd;
}

internal static unsafe class BpfName
{
    /// <summary>
    /// Copies a name into a 16-byte BPF object name: at most 15 bytes of [A-Za-z0-9_.], which is
    /// what the kernel accepts; other characters become '_', as libbpf does for map names.
    /// </summary>
    internal static void Write(byte* destination, string name)
    {
        int length = Math.Min(name.Length, 15);
        for (int i = 0; i < length; i++)
        {
            char c = name[i];
            destination[i] = (byte)(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.' ? c : '_');
        }
        destination[length] = 0;
    }
}
