using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Tests;

/// <summary>
/// One ELF reader: only runtime/Nectar/Elf/ElfFile (with ElfBounds) checks the ELF magic and reads the
/// ELF header's tables. Native binaries (uprobes, USDT), kernel images (.BTF), the generator's
/// skeletons and the tools read through it; what they need beyond it is layered on its sections,
/// segments and symbols, never parsed again.
/// </summary>
public partial class ArchitectureTests
{
    private static readonly string s_repository = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));

    /// <summary>Where code that ships lives: the runtime, the generator and the tools (tests build ELF images on purpose).</summary>
    private static readonly string[] s_shippedFolders = ["runtime", "generator", "tools"];

    /// <summary>The files that parse ELF headers: the reader and its bounds checks.</summary>
    private static readonly string[] s_elfReaders = ["runtime/Nectar/Elf/ElfFile.cs", "runtime/Nectar/Elf/ElfBounds.cs"];

    [Fact]
    public void Only_the_ELF_reader_parses_ELF_headers()
    {
        var offenders = ShippedSources()
            .Where(f => !s_elfReaders.Contains(f.Relative))
            .SelectMany(f => ElfHeaderParsing().Matches(WithoutComments(f.Text)).Select(m => $"{f.Relative}: {m.Value}"))
            .ToList();

        Assert.True(offenders.Count == 0,
            "ELF headers are read only by runtime/Nectar/Elf/ElfFile.cs (ElfFile.Parse for BPF objects, ElfFile.ParseAnyMachine for " +
            "any other file, ElfFile.IsElf for the magic); build on its Sections, Segments and Symbols instead:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_ELF_scan_sees_the_reader_and_the_other_shipped_sources()
    {
        var sources = ShippedSources().ToList();
        Assert.Contains(sources, f => f.Relative == "runtime/Nectar/Elf/NativeElfFile.cs");
        Assert.Contains(sources, f => f.Relative.StartsWith("generator/", StringComparison.Ordinal));
        Assert.Contains(sources, f => f.Relative.StartsWith("tools/", StringComparison.Ordinal));
        Assert.Contains(sources, f => f.Relative == "runtime/Nectar/Elf/ElfFile.cs" && ElfHeaderParsing().IsMatch(WithoutComments(f.Text)));
        Assert.Contains(sources, f => f.Relative == "runtime/Nectar/Elf/ElfBounds.cs" && ElfHeaderParsing().IsMatch(WithoutComments(f.Text)));
        Assert.Matches(ElfHeaderParsing(), "bool elf = b[0] == 0x7F && b[1] == (byte)'E' && b[2] == (byte)'L';");
        Assert.Matches(ElfHeaderParsing(), "if (magic == 0x464C457F)");
        Assert.Matches(ElfHeaderParsing(), "private const int SectionHeaderSize = 64;");
        Assert.Matches(ElfHeaderParsing(), "ushort e_shnum = Read16(image, 60);");
        Assert.DoesNotMatch(ElfHeaderParsing(), WithoutComments("// reads e_shoff through ElfFile\nvar elf = ElfFile.ParseAnyMachine(bytes, path);"));
    }

    private static IEnumerable<(string Relative, string Text)> ShippedSources() =>
        s_shippedFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(s_repository, folder), "*.cs", SearchOption.AllDirectories))
            .Select(path => (Relative: Path.GetRelativePath(s_repository, path).Replace('\\', '/'), Path: path))
            .Where(f => !f.Relative.Contains("/obj/", StringComparison.Ordinal) && !f.Relative.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (f.Relative, File.ReadAllText(f.Path)));

    private static string WithoutComments(string text) => Comment().Replace(text, " ");

    /// <summary>
    /// The marks of an ELF header parser: the magic compared byte by byte or as a number, the sizes of
    /// the header tables' entries, the ELF header's field names.
    /// </summary>
    [GeneratedRegex(@"'E'\s*&&[^\n]*'L'|0x464[cC]457[fF]|""\\x7[fF]ELF""|\b(?:Section|Program)HeaderSize\b|\be_(?:ident|shoff|phoff|shnum|phnum|shentsize|phentsize|shstrndx)\b")]
    private static partial Regex ElfHeaderParsing();

    [GeneratedRegex(@"//[^\n]*|/\*[\s\S]*?\*/")]
    private static partial Regex Comment();
}
