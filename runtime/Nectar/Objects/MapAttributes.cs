namespace Nectar.Maps;

/// <summary>
/// What a map is made of: the arguments of BPF_MAP_CREATE. <c>BpfMap.Create</c> takes them for a map
/// of your own and a created map keeps them (<c>BpfMap.Attributes</c>); in a BPF object they are
/// part of the map's <see cref="MapSpec"/>, beside what the loader does around creation.
/// </summary>
public sealed record MapAttributes(string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries)
{
    public MapFlags Flags { get; init; }
    public uint NumaNode { get; init; }
    /// <summary>For BTF-described maps: the BTF object and the key and value type ids in it.</summary>
    public uint BtfKeyTypeId { get; init; }
    public uint BtfValueTypeId { get; init; }
    /// <summary>For maps of maps: the inner map every slot must match (created as a template at BPF_MAP_CREATE, then closed).</summary>
    public MapAttributes? InnerMap { get; init; }
}
