using System.Buffers.Binary;
using Nectar.Elf;
using Nectar.Links;

namespace Nectar.Tests.Elf;

/// <summary>
/// The native ELF reader against binaries every Linux machine running these tests has: the libc
/// this process has mapped and the dotnet host executable.
/// </summary>
public class NativeElfFileTests
{
    private static string LibcPath => File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length >= 6 && f[5].Contains("/libc.so", StringComparison.Ordinal))
        .Select(f => f[5]).First();

    private static string HostPath => Environment.ProcessPath!;

    [Fact]
    public void Libc_functions_have_versions_and_map_to_offsets_inside_an_executable_segment()
    {
        var elf = NativeElfFile.Read(LibcPath);
        Assert.Contains(elf.LoadSegments, s => s.IsExecutable);
        var malloc = UprobeTarget.FindFunction(elf, LibcPath, "malloc");
        Assert.StartsWith("malloc@@GLIBC_", malloc.Name);
        Assert.Equal("malloc", malloc.BaseName);
        Assert.Same(malloc, UprobeTarget.FindFunction(elf, LibcPath, malloc.Name));
        ulong? offset = elf.FileOffsetOf(malloc.Address);
        Assert.NotNull(offset);
        var segment = elf.LoadSegments.Single(s => s.IsExecutable && malloc.Address >= s.VirtualAddress && malloc.Address < s.VirtualAddress + s.FileSize);
        Assert.Equal(malloc.Address - segment.VirtualAddress + segment.Offset, offset);
        Assert.Null(elf.FileOffsetOf(0));
    }

    [Fact]
    public void Hidden_old_versions_are_named_with_one_at_sign()
    {
        var elf = NativeElfFile.Read(LibcPath);
        // Every versioned name is NAME@@VERSION (default) or NAME@VERSION (hidden); glibc keeps some of both.
        Assert.Contains(elf.DynamicFunctions, f => f.Name.Contains("@@", StringComparison.Ordinal));
        Assert.Contains(elf.DynamicFunctions, f => f.Name.Contains('@') && !f.Name.Contains("@@", StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_is_matched_with_one_or_two_at_signs_and_a_wrong_one_is_not_found()
    {
        var elf = NativeElfFile.Read(LibcPath);
        var malloc = UprobeTarget.FindFunction(elf, LibcPath, "malloc");
        Assert.Equal(malloc.Address, UprobeTarget.FindFunction(elf, LibcPath, "malloc@" + malloc.Version).Address);
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.FindFunction(elf, LibcPath, "malloc@NECTAR_9.9"));
        Assert.Equal(UprobeTargetProblem.FunctionNotFound, error.Problem);
    }

    [Fact]
    public void A_name_defined_at_two_addresses_by_two_versions_is_ambiguous_until_the_version_is_named()
    {
        var elf = NativeElfFile.Read(LibcPath);
        // glibc keeps an old memcpy (GLIBC_2.2.5, hidden) beside the default one: both global, different addresses.
        var versions = elf.DynamicFunctions.Where(f => f.BaseName == "memcpy").ToList();
        Assert.True(versions.Select(f => f.Address).Distinct().Count() > 1, string.Join(", ", versions));
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.FindFunction(elf, LibcPath, "memcpy"));
        Assert.Equal(UprobeTargetProblem.AmbiguousFunction, error.Problem);
        Assert.Contains("memcpy@@", error.Message);
        var chosen = versions.First(f => f.Name.Contains("@@", StringComparison.Ordinal));
        Assert.Equal(chosen.Address, UprobeTarget.FindFunction(elf, LibcPath, chosen.Name).Address);
    }

    [Fact]
    public void Missing_function_is_a_typed_error_with_did_you_mean()
    {
        var elf = NativeElfFile.Read(LibcPath);
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.FindFunction(elf, LibcPath, "mallok"));
        Assert.Equal(UprobeTargetProblem.FunctionNotFound, error.Problem);
        Assert.Contains("'mallok'", error.Message);
        Assert.Contains("Did you mean", error.Message);
        Assert.Contains("'malloc'", error.Message);
        Assert.Contains(LibcPath, error.Message);
    }

    [Fact]
    public void Binary_without_section_headers_is_stripped_and_a_typed_error()
    {
        var image = File.ReadAllBytes(HostPath);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(60), 0); // e_shnum = 0, as sstrip leaves it
        var elf = NativeElfFile.Parse(image, "stripped");
        Assert.Empty(elf.DynamicFunctions);
        Assert.Empty(elf.StaticFunctions);
        Assert.NotEmpty(elf.LoadSegments);
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.FindFunction(elf, "stripped", "main"));
        Assert.Equal(UprobeTargetProblem.NoSymbols, error.Problem);
        Assert.Contains("stripped", error.Message);
        Assert.Contains("file offset", error.Message);
    }

    [Fact]
    public void Not_an_elf_file_is_a_typed_error_when_resolving_a_function()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nectar-not-elf-{Environment.ProcessId}.so");
        File.WriteAllText(path, "#!/bin/sh\necho not an ELF\n");
        try
        {
            var error = Assert.Throws<UprobeTargetException>(() => new UprobeTarget(path, "main").Resolve());
            Assert.Equal(UprobeTargetProblem.NotElf, error.Problem);
            Assert.Contains(path, error.Message);
            Assert.Contains("not an ELF file", error.Message);
            Assert.IsType<ElfException>(error.InnerException);
            // Without a function, the offset is a file offset and the file is not read.
            Assert.Equal((path, 16UL), new UprobeTarget(path, null, 16).Resolve());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Binary_without_section_names_keeps_its_symbols_and_finds_no_section_by_name()
    {
        var image = File.ReadAllBytes(LibcPath);
        Assert.NotNull(NativeElfFile.Parse(image, "libc").Section(".text"));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(62), 0); // e_shstrndx = SHN_UNDEF: no section names
        var elf = NativeElfFile.Parse(image, "unnamed");
        Assert.Null(elf.Section(".text"));
        Assert.Null(elf.Section(""));
        Assert.Contains(elf.DynamicFunctions, f => f.Name.StartsWith("malloc@@GLIBC_", StringComparison.Ordinal));
    }

    [Fact]
    public void Native_binary_and_its_ELF_reading_agree_on_segments_and_symbols()
    {
        // NativeElfFile is a layer on ElfFile: the same program headers and symbol tables, filtered.
        var image = File.ReadAllBytes(LibcPath);
        var elf = ElfFile.ParseAnyMachine(image, "libc");
        var native = NativeElfFile.Parse(image, "libc");
        Assert.Equal(elf.Segments.Where(s => s.Type == ElfSegmentType.Load), native.LoadSegments);
        Assert.Equal(elf.DynamicSymbols.Count(s => s.Type is ElfSymbolType.Function or ElfSymbolType.GnuIndirectFunction && s.SectionIndex != 0 && s.Value != 0),
            native.DynamicFunctions.Count);
        Assert.NotEqual(0UL, elf.FindSection(".dynsym")!.Address);
    }

    [Theory]
    [InlineData(32, "the program header table")]
    [InlineData(40, "the section header table")]
    public void Header_table_past_the_end_is_an_ElfException_naming_it(int offset, string expected)
    {
        var image = File.ReadAllBytes(HostPath);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(offset), (ulong)image.Length - 8);
        var error = Assert.Throws<ElfException>(() => NativeElfFile.Parse(image, "host"));
        Assert.Contains(expected, error.Message);
        Assert.Contains("past the end of the file", error.Message);
    }

    [Fact]
    public void Version_definition_pointing_past_its_section_is_an_ElfException()
    {
        var image = File.ReadAllBytes(LibcPath);
        var definitions = ElfFile.ParseAnyMachine(image, "libc").Sections.Single(s => s.Type == ElfSectionType.GnuVersionDefinitions);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)definitions.Offset + 12), 0x10000000); // vd_aux of the first definition
        var error = Assert.Throws<ElfException>(() => NativeElfFile.Parse(image, "libc"));
        Assert.Contains("version definition 0 points past the end of its section", error.Message);
    }

    [Theory]
    [InlineData(0, (byte)0x7E, "offset 0")]
    [InlineData(4, (byte)1, "offset 4")]
    [InlineData(5, (byte)2, "offset 5")]
    [InlineData(54, (byte)40, "program header size")]
    [InlineData(58, (byte)40, "section header size")]
    public void Bad_header_field_is_an_ElfException_naming_it(int offset, byte value, string expected)
    {
        var image = File.ReadAllBytes(HostPath);
        image[offset] = value;
        var error = Assert.Throws<ElfException>(() => NativeElfFile.Parse(image, "host"));
        Assert.StartsWith("host:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Truncated_file_is_an_ElfException()
    {
        var image = File.ReadAllBytes(HostPath)[..^100];
        var error = Assert.Throws<ElfException>(() => NativeElfFile.Parse(image));
        Assert.Contains("truncated", error.Message);
        Assert.Throws<ElfException>(() => NativeElfFile.Parse([]));
    }

    /// <summary>
    /// A fuzz test: corrupted copies of real binaries (random bytes overwritten, biased towards the
    /// headers and the symbol and version tables) are each read, and their functions resolved, or
    /// refused with an ElfException; never another exception or a hang.
    /// </summary>
    [Theory]
    [InlineData("host", 3000)]
    [InlineData("libc", 150)]
    public void Corrupted_binaries_fail_only_with_typed_exceptions(string which, int rounds)
    {
        var original = File.ReadAllBytes(which == "host" ? HostPath : LibcPath);
        var tables = HotRanges(original);
        var random = new Random(20261125);
        int read = 0, refused = 0;
        for (int round = 0; round < rounds; round++)
        {
            var image = (byte[])original.Clone();
            int flips = random.Next(1, 8);
            for (int i = 0; i < flips; i++)
            {
                var (start, length) = tables[random.Next(tables.Count)];
                image[start + random.Next(length)] = (byte)random.Next(256);
            }
            try
            {
                var elf = NativeElfFile.Parse(image, $"fuzzed round {round}");
                foreach (var function in elf.DynamicFunctions.Concat(elf.StaticFunctions))
                    _ = elf.FileOffsetOf(function.Address);
                read++;
                _ = UprobeTarget.FindFunction(elf, "fuzzed", "__libc_start_main");
            }
            catch (ElfException)
            {
                refused++;
            }
            catch (UprobeTargetException)
            {
            }
        }
        // Both outcomes happen: corrupt files are refused, and corruption also gets past the header checks into the tables.
        Assert.True(read > rounds / 10 && refused > rounds / 100, $"{read} read, {refused} refused of {rounds}");
    }

    /// <summary>The ELF header, program and section header tables, and the whole file, as places to corrupt.</summary>
    private static List<(int Start, int Length)> HotRanges(byte[] image)
    {
        var elf = image.AsSpan();
        int programs = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf[32..]);
        int sections = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf[40..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[60..]);
        var ranges = new List<(int, int)> { (0, 64), (programs, 56 * BinaryPrimitives.ReadUInt16LittleEndian(elf[56..])), (sections, 64 * sectionCount), (0, image.Length) };
        for (int i = 0; i < sectionCount; i++)
        {
            var header = elf.Slice(sections + i * 64, 64);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (type is 2 or 11 or 0x6ffffffd or 0x6fffffff)
                ranges.Add(((int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]), (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[32..]), 4096)));
        }
        return ranges;
    }
}
