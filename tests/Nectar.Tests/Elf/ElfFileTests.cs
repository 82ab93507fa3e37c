using Nectar.Elf;
using Nectar.Testing;

namespace Nectar.Tests.Elf;

public class ElfFileTests
{
    private static byte[] Valid() => File.ReadAllBytes(BpfObjects.PathOf("subprograms"));

    [Fact]
    public void Reads_sections_symbols_and_relocations_of_a_clang_object()
    {
        var elf = ElfFile.Parse(Valid());
        var text = elf.FindSection(".text");
        Assert.NotNull(text);
        Assert.True(text.IsExecutable);
        Assert.Contains(elf.Symbols, s => s.Name == "add_twice" && s.Type == ElfSymbolType.Function && s.Binding == ElfSymbolBinding.Global);
        Assert.Contains(elf.Symbols, s => s.Name == "add" && s.Type == ElfSymbolType.Function && s.Binding == ElfSymbolBinding.Local);
        var relocations = elf.RelocationsFor(elf.FindSection("raw_tp/sys_enter")!);
        Assert.Contains(relocations, r => r.Type == ElfRelocationType.Call32 && r.Symbol.Name == "add_twice");
        Assert.Contains(relocations, r => r.Type == ElfRelocationType.Imm64 && r.Symbol.Name == "target_tid");
    }

    public static TheoryData<string, int, byte, string> BadHeaders => new()
    {
        { "magic", 0, 0x7E, "offset 0" },
        { "class", 4, 1, "offset 4" },
        { "endianness", 5, 2, "offset 5" },
        { "machine", 18, 62, "offset 18" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Bad_header_field_is_an_ElfException_naming_its_offset(string field, int offset, byte value, string expected)
    {
        var image = Valid();
        image[offset] = value;
        var error = Assert.Throws<ElfException>(() => ElfFile.Parse(image, "x.bpf.o"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("x.bpf.o:", error.Message);
        Assert.NotEmpty(field);
    }

    [Fact]
    public void Truncated_file_names_the_section_table_that_runs_past_the_end()
    {
        var image = Valid()[..^200];
        var error = Assert.Throws<ElfException>(() => ElfFile.Parse(image));
        Assert.Contains("section header table", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Empty_and_tiny_inputs_are_ElfExceptions()
    {
        Assert.Throws<ElfException>(() => ElfFile.Parse([]));
        Assert.Throws<ElfException>(() => ElfFile.Parse([0x7F, (byte)'E', (byte)'L', (byte)'F']));
    }

    /// <summary>
    /// A fuzz test: thousands of corrupted copies of a real object (random bytes overwritten) are
    /// each either read or refused with a typed exception; never another exception or a hang.
    /// </summary>
    [Theory]
    [InlineData("tail_calls")]
    [InlineData("map_in_map")]
    [InlineData("subprograms")]
    [InlineData("tp_btf_counter")]
    [InlineData("pinned_map")]
    [InlineData("callbacks")]
    [InlineData("externs")]
    public void Corrupted_objects_fail_only_with_typed_exceptions(string name)
    {
        var original = File.ReadAllBytes(BpfObjects.PathOf(name));
        var random = new Random(20261125);
        for (int round = 0; round < 10000; round++)
        {
            var image = (byte[])original.Clone();
            int flips = random.Next(1, 8);
            for (int i = 0; i < flips; i++)
                image[random.Next(image.Length)] = (byte)random.Next(256);
            try
            {
                _ = Nectar.Programs.BpfObjectSpec.Parse(image, $"fuzzed round {round}");
            }
            catch (Exception e) when (e is ElfException or Nectar.Btf.BtfException or Nectar.Programs.BpfExternException)
            {
            }
        }
    }
}
