namespace Nectar.Maps;

/// <summary>What a map is made of: the arguments of BPF_MAP_CREATE.</summary>
public sealed record MapSpec(string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries)
{
    public uint Flags { get; init; }
    public uint NumaNode { get; init; }
    /// <summary>For BTF-described maps: the BTF object and the key and value type ids in it.</summary>
    public uint BtfKeyTypeId { get; init; }
    public uint BtfValueTypeId { get; init; }
}
