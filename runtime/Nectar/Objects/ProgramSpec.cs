using System.Collections.Generic;
namespace Nectar.Programs;

/// <summary>
/// A program as read from its object, linked and ready to load: its instructions with every
/// subprogram it calls appended and calls resolved, and the map references still to patch.
/// </summary>
public sealed class ProgramSpec
{
    internal ProgramSpec(string name, ProgramSection section, string license, BpfInstruction[] instructions,
        IReadOnlyList<MapReference> mapReferences, IReadOnlyList<(BpfFunction Function, int Start)> layout)
    {
        Name = name;
        Section = section;
        License = license;
        Instructions = instructions;
        MapReferences = mapReferences;
        Layout = layout;
    }

    /// <summary>The entry function's name.</summary>
    public string Name { get; }

    public ProgramSection Section { get; }

    public string License { get; }

    public BpfInstruction[] Instructions { get; }

    public IReadOnlyList<MapReference> MapReferences { get; }

    /// <summary>
    /// Whether <c>BpfObject.Load</c> loads the program. False
    /// for sections written SEC("?NAME"), which libbpf does not load unless asked: set it to true
    /// before load to load one (or false to leave any program out).
    /// </summary>
    public bool AutoLoad { get; set; } = true;

    /// <summary>Why the program is not loaded although its section is supported, or null.</summary>
    internal string? NotLoadedReason => AutoLoad ? null
        : $"it is not loaded by default (its section is written '?{Section.Name}', or AutoLoad was cleared); set spec.Programs[\"{Name}\"].AutoLoad = true before load to load it";

    /// <summary>The entry function's BTF FUNC (its prototype), or 0 when the object's BTF has none of that name.</summary>
    internal uint BtfFuncId { get; set; }

    /// <summary>Which function sits where in <see cref="Instructions"/>: the entry first, then subprograms.</summary>
    internal IReadOnlyList<(BpfFunction Function, int Start)> Layout { get; }

    public override string ToString() => $"{Name} ({Section.Name}, {Instructions.Length} instructions)";
}
