using Nectar.Btf;
using Nectar.Dwarf;
using Nectar.Elf;
using Nectar.Testing;

namespace Nectar.Tests.Dwarf;

/// <summary>
/// Types from DWARF: bpf/dwarf_record.bpf.o (committed, clang-16 -g, DWARF 5) keeps `struct
/// dwarf_event` only in a local variable, so its BTF lacks the struct and its DWARF has it. The
/// struct rebuilt as BTF has the C layout; the same source as DWARF 4 gives the same struct; a
/// corrupt or fuzzed .debug_info is a DwarfException, never a crash.
/// </summary>
public class DwarfTypesTests
{
    private static readonly string s_object = BpfObjects.PathOf("dwarf_record");

    private static (Nectar.Btf.Btf Btf, BtfType Struct) Read(string path, string name = "dwarf_event")
    {
        var elf = ElfFile.Read(path);
        var dwarf = DwarfReader.FromElf(elf, path);
        Assert.NotNull(dwarf);
        var found = DwarfTypes.FindStruct(dwarf, name, path);
        Assert.NotNull(found);
        return found.Value;
    }

    [Fact]
    public void The_BTF_lacks_the_local_record_struct_and_the_DWARF_has_it_with_the_C_layout()
    {
        var btf = Nectar.Btf.Btf.Parse(ElfFile.Read(s_object) is var elf && elf.FindSection(".BTF") is { } section ? elf.Contents(section).ToArray() : []);
        Assert.Null(btf.FindByName("dwarf_event", BtfKind.Struct));

        var (types, record) = Read(s_object);
        Assert.Equal("dwarf_event", record.Name);
        Assert.Equal(48u, record.Size);
        // offsetof() of each member as clang lays out the struct for BPF (u64, u32, s16, enum, char[16], u8[3], pointer).
        Assert.Equal([("sequence", 0u), ("pid", 8u), ("delta", 12u), ("kind", 16u), ("comm", 20u), ("bytes", 36u), ("pointer", 40u)],
            record.Members.Select(m => (m.Name, m.ByteOffset)));
        BtfType Member(string name) => types.SkipModifiersAndTypedefs(record.Members.Single(m => m.Name == name).TypeId);
        Assert.Equal((BtfKind.Int, 8u, false), (Member("sequence").Kind, Member("sequence").Size, Member("sequence").IsSigned));
        Assert.Equal((BtfKind.Int, 4u, false), (Member("pid").Kind, Member("pid").Size, Member("pid").IsSigned));
        Assert.Equal("dwarf_pid_t", types.GetType(record.Members[1].TypeId).Name); // the typedef is kept
        Assert.Equal((BtfKind.Int, 2u, true), (Member("delta").Kind, Member("delta").Size, Member("delta").IsSigned));
        Assert.Equal(BtfKind.Enum, Member("kind").Kind);
        Assert.Equal([("DWARF_KIND_NONE", 0L), ("DWARF_KIND_GETPPID", 110L)], Member("kind").EnumValues.Select(v => (v.Name, v.Value)));
        Assert.Equal((BtfKind.Array, 16u), (Member("comm").Kind, Member("comm").Array.Count));
        Assert.Equal("char", types.SkipModifiersAndTypedefs(Member("comm").Array.ElementTypeId).Name);
        Assert.Equal((BtfKind.Array, 3u), (Member("bytes").Kind, Member("bytes").Array.Count));
        var byteType = types.SkipModifiersAndTypedefs(Member("bytes").Array.ElementTypeId);
        Assert.Equal(("unsigned char", BtfIntEncoding.None), (byteType.Name, byteType.IntEncoding)); // as clang encodes it in BTF: numbers, not text
        Assert.Equal(BtfKind.Ptr, Member("pointer").Kind);
        Assert.Null(DwarfTypes.FindStruct(DwarfReader.FromElf(ElfFile.Read(s_object), s_object)!, "no_such", s_object));
    }

    [OracleFact(Oracle.Clang)]
    public void The_same_source_as_DWARF_4_gives_the_same_struct()
    {
        string output = Path.Combine(Path.GetTempPath(), $"nectar-dwarf4-{Environment.ProcessId}.bpf.o");
        string root = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));
        var result = Processes.Run(Clang.Command, ["-g", "-gdwarf-4", "-O2", "-target", "bpf", "-I", "bpf/include", "-idirafter", "/usr/include/x86_64-linux-gnu",
            "-c", "bpf/dwarf_record.bpf.c", "-o", output], workingDirectory: root);
        Assert.True(result.ExitCode == 0, result.Error);
        try
        {
            var (v5Types, v5) = Read(s_object);
            var (v4Types, v4) = Read(output);
            Assert.Equal(v5.Members.Select(m => (m.Name, m.BitOffset, v5Types.SizeOf(m.TypeId))), v4.Members.Select(m => (m.Name, m.BitOffset, v4Types.SizeOf(m.TypeId))));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Fuzzed_debug_sections_give_a_DwarfException_or_a_struct_and_nothing_else()
    {
        var elf = ElfFile.Read(s_object);
        byte[] Section(string name) => elf.Contents(elf.FindSection(name)!).ToArray();
        byte[] info = Section(".debug_info"), abbrev = Section(".debug_abbrev"), strings = Section(".debug_str"), offsets = Section(".debug_str_offsets");
        var random = new Random(1402);
        int errors = 0;
        for (int round = 0; round < 3_000; round++)
        {
            byte[] i = (byte[])info.Clone(), a = (byte[])abbrev.Clone(), o = (byte[])offsets.Clone();
            var target = (round % 3) switch { 0 => i, 1 => a, _ => o };
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                target[random.Next(target.Length)] = (byte)random.Next(256);
            if (random.Next(5) == 0)
                i = i[..random.Next(i.Length)];
            try
            {
                var dwarf = DwarfReader.Parse("fuzz", i, a, strings, o, []);
                DwarfTypes.FindStruct(dwarf, "dwarf_event", "fuzz");
            }
            catch (DwarfException)
            {
                errors++;
            }
        }
        Assert.True(errors > 0, "some mutations should be refused");
    }

    [Fact]
    public void A_unit_of_64_bit_DWARF_or_an_unknown_version_is_refused_by_name()
    {
        byte[] sixtyFour = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Contains("64-bit DWARF", Assert.Throws<DwarfException>(() => DwarfReader.Parse("x", sixtyFour, [], [], [], [])).Message);
        byte[] version9 = [7, 0, 0, 0, 9, 0, 0, 0, 0, 0, 8];
        Assert.Contains("version 9", Assert.Throws<DwarfException>(() => DwarfReader.Parse("x", version9, [], [], [], [])).Message);
    }
}
