using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>A function in an executable section: a program entry point or a subprogram (.text).</summary>
public sealed record BpfFunction(string Name, ElfSection Section, int Start, int Count)
{
    public bool Contains(ElfSection section, int instruction) =>
        section.Index == Section.Index && instruction >= Start && instruction < Start + Count;
}
