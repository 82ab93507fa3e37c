using System.Collections.Generic;
namespace Nectar.Maps;

/// <summary>Where a map came from in its object: BTF-defined (.maps), legacy (maps), or global data.</summary>
public enum MapOrigin
{
    BtfDefined,
    Legacy,
    GlobalData,
}

/// <summary>Whether a map is pinned in bpffs (LIBBPF_PIN_BY_NAME) and so shared across loads.</summary>
public enum MapPinning
{
    None = 0,
    ByName = 1,
}

/// <summary>
/// A map as a BPF object declares it, before it is created (the spec of a <c>BpfMap</c>, as
/// <see cref="Nectar.Programs.ProgramSpec"/> is of a <c>BpfProgram</c>): its <see cref="Attributes"/>, the
/// arguments of BPF_MAP_CREATE, plus what the loader does around them (initial contents for global
/// data, freezing .rodata, pinning, initial slots).
/// </summary>
public sealed class MapSpec
{
    public MapSpec(string name, MapAttributes attributes, MapOrigin origin)
    {
        Name = name;
        Attributes = attributes;
        Origin = origin;
    }

    /// <summary>The name programs and users know the map by: the variable's name, or the section (".bss").</summary>
    public string Name { get; }

    /// <summary>What the map is made of (type, key and value sizes, entries); replace it before load to resize: <c>spec.Attributes = spec.Attributes with { MaxEntries = N }</c>.</summary>
    public MapAttributes Attributes { get; set; }

    public MapOrigin Origin { get; }

    private byte[]? _initialValue;

    /// <summary>
    /// For global data: the value stored at key 0 when the map is created (set variables here
    /// before load). Null for .bss until a variable of it is set: the kernel zero-fills a new map,
    /// so a .bss of any size costs no memory here.
    /// </summary>
    public byte[]? InitialValue { get => _initialValue; init => _initialValue = value; }

    /// <summary>The initial value to write a variable into, allocated (zeroed) on first use for .bss.</summary>
    internal byte[] WritableInitialValue() => _initialValue ??= new byte[Attributes.ValueSize];

    /// <summary>True for .rodata and .rodata.*: frozen after its initial value is stored, so the verifier may trust it.</summary>
    public bool FreezeAfterCreate { get; init; }

    public MapPinning Pinning { get; init; }

    /// <summary>
    /// For program arrays and maps of maps: the slots the object's static initializer fills
    /// (`.values = { [0] = &amp;prog }`), stored once the programs are loaded or the maps created.
    /// </summary>
    public IReadOnlyList<MapSlot> InitialSlots { get; set; } = [];
}
