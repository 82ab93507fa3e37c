using Nectar.Btf;
using Nectar.Elf;
using Nectar.Relocation;

namespace Nectar.Testing;

/// <summary>
/// A committed BPF object under bpf/, read just far enough for relocation tests: its BTF, its
/// .BTF.ext, and the instruction bytes and CO-RE relocations of one code section.
/// </summary>
public sealed class BpfObjectFile
{
    private readonly ElfFile _file;

    private BpfObjectFile(string path)
    {
        Path = path;
        _file = ElfFile.Read(path);
        Btf = Nectar.Btf.Btf.Parse(_file.SectionBytes(".BTF") ?? throw new InvalidDataException($"{path} has no .BTF"));
        Ext = BtfExt.Parse(_file.SectionBytes(".BTF.ext") ?? throw new InvalidDataException($"{path} has no .BTF.ext"), Btf);
    }

    public string Path { get; }

    public Nectar.Btf.Btf Btf { get; }

    public BtfExt Ext { get; }

    /// <summary>bpf/NAME.bpf.o of this repository.</summary>
    public static BpfObjectFile Open(string name) => new(BpfObjects.PathOf(name));

    /// <summary>A fresh copy of a code section's instructions.</summary>
    public byte[] Instructions(string section) =>
        _file.SectionBytes(section) ?? throw new InvalidDataException($"{Path} has no section '{section}'");

    public IReadOnlyList<CoreRelocation> CoreRelocations(string section) => CoreRelocation.ForSection(Ext, Btf, section);
}
