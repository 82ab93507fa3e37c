namespace Nectar.Interop;

/// <summary>What BPF_MAP_CREATE takes; zero means "none" for the fds and BTF ids, as in bpf_attr.</summary>
internal readonly record struct MapCreateArguments(string Name, uint Type, uint KeySize, uint ValueSize, uint MaxEntries)
{
    public uint Flags { get; init; }
    public uint InnerMapFd { get; init; }
    public uint NumaNode { get; init; }
    public uint BtfFd { get; init; }
    public uint BtfKeyTypeId { get; init; }
    public uint BtfValueTypeId { get; init; }
}

// The map commands: create, the element calls, freeze.
internal static unsafe partial class Bpf
{
    internal static BpfFileDescriptor MapCreate(in MapCreateArguments map, string operation)
    {
        var attr = new MapCreateAttr
        {
            MapType = map.Type,
            KeySize = map.KeySize,
            ValueSize = map.ValueSize,
            MaxEntries = map.MaxEntries,
            MapFlags = map.Flags,
            InnerMapFd = map.InnerMapFd,
            NumaNode = map.NumaNode,
            BtfFd = map.BtfFd,
            BtfKeyTypeId = map.BtfKeyTypeId,
            BtfValueTypeId = map.BtfValueTypeId,
        };
        BpfName.Write(attr.MapName, map.Name);
        return CallForFd(BpfCommand.MapCreate, ref attr, operation);
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM: copies the value under <paramref name="key"/> into <paramref name="value"/>.</summary>
    internal static bool TryMapLookupElem(BpfFileDescriptor map, ReadOnlySpan<byte> key, Span<byte> value, out int errno)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)map.Value, Key = (ulong)k, Value = (ulong)v };
            return TryCall(BpfCommand.MapLookupElem, ref attr, out errno) >= 0;
        }
    }

    /// <summary>BPF_MAP_UPDATE_ELEM with BPF_ANY / BPF_NOEXIST / BPF_EXIST in <paramref name="flags"/>.</summary>
    internal static bool TryMapUpdateElem(BpfFileDescriptor map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, out int errno)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)map.Value, Key = (ulong)k, Value = (ulong)v, Flags = flags };
            return TryCall(BpfCommand.MapUpdateElem, ref attr, out errno) >= 0;
        }
    }

    internal static bool TryMapDeleteElem(BpfFileDescriptor map, ReadOnlySpan<byte> key, out int errno)
    {
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = (uint)map.Value, Key = (ulong)k };
            return TryCall(BpfCommand.MapDeleteElem, ref attr, out errno) >= 0;
        }
    }

    /// <summary>BPF_MAP_GET_NEXT_KEY: the key after <paramref name="key"/>, or the first key when it is empty.</summary>
    internal static bool TryMapGetNextKey(BpfFileDescriptor map, ReadOnlySpan<byte> key, Span<byte> nextKey, out int errno)
    {
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            var attr = new MapElemAttr { MapFd = (uint)map.Value, Key = key.IsEmpty ? 0 : (ulong)k, Value = (ulong)n };
            return TryCall(BpfCommand.MapGetNextKey, ref attr, out errno) >= 0;
        }
    }

    internal static void MapFreeze(BpfFileDescriptor map, string operation)
    {
        var attr = new MapFreezeAttr { MapFd = (uint)map.Value };
        Call(BpfCommand.MapFreeze, ref attr, operation);
    }
}
