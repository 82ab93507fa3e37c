namespace Nectar.Maps;

/// <summary>What a map is made of: the arguments of BPF_MAP_CREATE.</summary>
public sealed record MapSpec(string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries)
{
    public MapFlags Flags { get; init; }
    public uint NumaNode { get; init; }
    /// <summary>For BTF-described maps: the BTF object and the key and value type ids in it.</summary>
    public uint BtfKeyTypeId { get; init; }
    public uint BtfValueTypeId { get; init; }
    /// <summary>For maps of maps: the inner map every slot must match (created as a template at BPF_MAP_CREATE, then closed).</summary>
    public MapSpec? InnerMap { get; init; }
}
