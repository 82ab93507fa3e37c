using System;
using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>A function in an executable section: a program entry point or a subprogram (.text).</summary>
internal sealed record BpfFunction(string Name, ElfSection Section, int Start, int Count)
{
    /// <summary>Local binding (a C static function): never a program entry point, wherever it lives.</summary>
    public bool IsStatic { get; init; }

    public bool Contains(ElfSection section, int instruction) =>
        section.Index == Section.Index && instruction >= Start && instruction < Start + Count;
}
