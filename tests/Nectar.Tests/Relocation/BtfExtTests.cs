using System.Buffers.Binary;
using Nectar.Btf;
using Nectar.Relocation;
using Nectar.Testing;

namespace Nectar.Tests.Relocation;

/// <summary>The .BTF.ext reader on a real object, on hand-broken input, and under random mutation.</summary>
public sealed class BtfExtTests
{
    private const string Section = "tp_btf/sched_process_exec";
    private readonly BpfObjectFile _object = BpfObjectFile.Open("core_read");

    private byte[] RawExt() => Nectar.Elf.ElfFile.Read(_object.Path).SectionBytes(".BTF.ext")!;

    [Fact]
    public void Real_object_has_func_info_line_info_and_core_relocations_for_its_section()
    {
        var ext = _object.Ext;
        var function = Assert.Single(ext.FuncInfoOf(Section));
        Assert.Equal(0u, function.InstructionOffset);
        Assert.Equal("core_read", _object.Btf.GetType(function.TypeId).Name);
        var lines = ext.LineInfoOf(Section);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.EndsWith("core_read.bpf.c", _object.Btf.GetString(l.FileNameOffset)));
        Assert.Contains(lines, l => _object.Btf.GetString(l.LineOffset).Contains("BPF_CORE_READ(task, real_parent, tgid)"));
        Assert.Equal(40, ext.CoreRelocationsOf(Section).Count);
        Assert.Empty(ext.CoreRelocationsOf("no_such_section"));
    }

    [Fact]
    public void Access_strings_resolve_through_the_objects_strings()
    {
        var relocations = _object.CoreRelocations(Section);
        Assert.Contains(relocations, r => r.Kind == CoreRelocationKind.FieldByteOffset && r.AccessString == "0:3");
        Assert.All(relocations, r => Assert.Equal(0u, r.InstructionOffset % 8));
    }

    [Fact]
    public void Wrong_magic_is_named()
    {
        var bytes = RawExt();
        bytes[0] = 0x12;
        var error = Assert.Throws<BtfException>(() => BtfExt.Parse(bytes, _object.Btf));
        Assert.Contains("not 0xEB9F", error.Message);
    }

    [Fact]
    public void Record_count_past_the_end_is_refused_not_read()
    {
        var bytes = RawExt();
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        int funcInfo = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(funcInfo + 8), 1_000_000); // first section's record count
        var error = Assert.Throws<BtfException>(() => BtfExt.Parse(bytes, _object.Btf));
        Assert.Contains("claims 1000000 records", error.Message);
    }

    [Fact]
    public void Unknown_relocation_kind_is_refused_with_the_fix()
    {
        var record = new BtfCoreRelocationRecord(0, 1, 0, 99);
        var error = Assert.Throws<CoreRelocationException>(() => CoreRelocation.From(Section, [record], _object.Btf));
        Assert.Contains("kind 99", error.Message);
    }

    [Fact]
    public void Mutated_sections_fail_only_with_typed_exceptions()
    {
        var original = RawExt();
        var random = new Random(6);
        for (int round = 0; round < 3000; round++)
        {
            var bytes = original.AsSpan(0, round % 2 == 0 ? original.Length : random.Next(original.Length + 1)).ToArray();
            for (int flips = random.Next(1, 4); flips > 0 && bytes.Length > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                var ext = BtfExt.Parse(bytes, _object.Btf);
                foreach (var section in ext.CoreRelocations)
                {
                    var relocations = CoreRelocation.From(section.SectionName, section.Records, _object.Btf);
                    var code = _object.Instructions(Section);
                    CoreRelocator.Apply(code, 0, relocations, _object.Btf, [Fixtures.VmlinuxBtf]);
                }
            }
            catch (Exception e) when (e is BtfException or CoreRelocationException)
            {
            }
        }
    }
}
