using System.Buffers.Binary;
using Nectar.Elf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Elf;

/// <summary>
/// Regression inputs met on real tools' objects and on the way to them: every one is refused with a
/// typed error naming the problem, or read without allocating what it need not.
/// </summary>
public class ElfHardeningTests
{
    private static byte[] Object(string name) => File.ReadAllBytes(BpfObjects.PathOf(name));

    private static int SectionHeader(byte[] image, int index) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(40)) + index * 64;

    private static int SectionIndex(byte[] image, string name) => ElfFile.Parse(image).FindSection(name)!.Index;

    private static ushort NameTableIndex(byte[] image) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(62));

    [Theory]
    [InlineData(0u)] // SHT_NULL
    [InlineData(8u)] // SHT_NOBITS
    public void A_section_name_table_of_the_wrong_type_with_its_offset_past_the_end_is_an_ElfException(uint type)
    {
        var image = Object("subprograms");
        int header = SectionHeader(image, NameTableIndex(image));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(header + 4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(header + 24), (ulong)image.Length + 4096);
        var error = Assert.Throws<ElfException>(() => ElfFile.Parse(image, "x.bpf.o"));
        Assert.StartsWith("x.bpf.o:", error.Message);
        Assert.Contains(type == 0 ? "past the end of the file" : "not a string table", error.Message);
    }

    [Fact]
    public void A_symbol_string_table_of_type_NULL_is_an_ElfException()
    {
        var image = Object("subprograms");
        var elf = ElfFile.Parse(image);
        uint strings = elf.Sections.Single(s => s.Type == ElfSectionType.SymbolTable).Link;
        int header = SectionHeader(image, (int)strings);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(header + 4), 0);
        var error = Assert.Throws<ElfException>(() => ElfFile.Parse(image, "x.bpf.o"));
        Assert.Contains("not a string table", error.Message);
    }

    [Theory]
    [InlineData(1L << 30)]
    [InlineData((1L << 31) - 8)]
    public void A_huge_bss_is_read_without_allocating_it(long size)
    {
        var image = Object("exec_observer");
        int header = SectionHeader(image, SectionIndex(image, ".bss"));
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(header + 32), (ulong)size);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var spec = BpfObjectSpec.Parse(image, "huge_bss");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((uint)size, spec.Maps[".bss"].Attributes.ValueSize);
        Assert.Null(spec.Maps[".bss"].InitialValue);
        Assert.True(allocated < 64L * 1024 * 1024, $"reading the object allocated {allocated} bytes");
    }

    [Fact]
    public void A_bss_of_2_GiB_is_an_ElfException_not_an_OutOfMemoryException()
    {
        var image = Object("exec_observer");
        int header = SectionHeader(image, SectionIndex(image, ".bss"));
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(header + 32), 1UL << 31);
        var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Parse(image, "huge_bss"));
        Assert.Contains("'.bss'", error.Message);
    }

    [Fact]
    public void A_bss_variable_set_before_load_reads_back_and_the_others_stay_zero()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("hidden_functions"));
        var seen = spec.Variables["seen"];
        Assert.Equal(0UL, seen.Get<ulong>());
        seen.Set(42UL);
        Assert.Equal(42UL, seen.Get<ulong>());
        Assert.Equal(42UL, BitConverter.ToUInt64(spec.Maps[".bss"].InitialValue!, seen.Offset));
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/proc/self", "a directory")]
    public void Non_regular_files_are_refused_before_reading(string path, string kind)
    {
        var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Read(path));
        Assert.Contains(kind, error.Message);
        Assert.Contains("not a regular file", error.Message);
    }

    [Fact]
    public void A_FIFO_is_refused_without_blocking_on_open()
    {
        string fifo = Path.Combine(Path.GetTempPath(), $"nectar-fifo-{Guid.NewGuid():N}");
        Assert.Equal(0, Processes.Run("mkfifo", [fifo]).ExitCode);
        try
        {
            var error = Assert.Throws<ElfException>(() => ElfFile.Read(fifo));
            Assert.Contains("a FIFO", error.Message);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public void Hidden_global_functions_are_read_with_their_visibility()
    {
        var elf = ElfFile.Read(BpfObjects.PathOf("hidden_functions"));
        var hidden = elf.Symbols.Single(s => s.Name == "read_through");
        Assert.Equal(ElfSymbolVisibility.Hidden, hidden.Visibility);
        Assert.True(hidden.IsHiddenGlobal);
        Assert.False(elf.Symbols.Single(s => s.Name == "call_hidden").IsHiddenGlobal);
    }
}
