using System.Globalization;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

public class BtfWriterTests
{
    private static Nectar.Btf.Btf Vmlinux => Fixtures.VmlinuxBtf;

    internal static string Text(Nectar.Btf.Btf btf)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        BtfTextDump.Write(btf, text);
        return text.ToString();
    }

    [Fact]
    public void Whole_vmlinux_parses_writes_and_parses_again_to_the_same_types()
    {
        byte[] written = BtfWriter.Write(Vmlinux);
        var again = Nectar.Btf.Btf.Parse(written);

        Assert.Equal(Vmlinux.LastTypeId, again.LastTypeId);
        Assert.Equal(Text(Vmlinux), Text(again));
        // The kernel's strings are already unique, so deduplication keeps the blob the same size.
        Assert.True(written.Length <= Vmlinux.RawBytes.Length, $"{written.Length} > {Vmlinux.RawBytes.Length}");
        // Writing is deterministic: the same BTF gives the same bytes.
        Assert.Equal(written, BtfWriter.Write(again));
    }

    [Fact]
    public void Closure_of_task_struct_is_standalone_renumbered_and_keeps_the_layout()
    {
        var task = Vmlinux.GetByName("task_struct", BtfKind.Struct);
        byte[] written = BtfWriter.WriteClosure(Vmlinux, [task.Id], out var newIds);
        var closure = Nectar.Btf.Btf.Parse(written);

        Assert.True(closure.LastTypeId < Vmlinux.LastTypeId / 2, $"closure has {closure.LastTypeId} types");
        Assert.Equal(Vmlinux.Closure([task.Id]).Count, (int)closure.LastTypeId);
        var copy = closure.GetByName("task_struct", BtfKind.Struct);
        Assert.Equal(newIds[task.Id], copy.Id);
        Assert.Equal(task.Size, copy.Size);
        Assert.Equal(task.Members.Select(m => (m.Name, m.BitOffset, m.BitfieldSize, Vmlinux.SizeOf(m.TypeId))),
                     copy.Members.Select(m => (m.Name, m.BitOffset, m.BitfieldSize, closure.SizeOf(m.TypeId))));
    }

    [Fact]
    public void Strings_are_deduplicated()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        builder.AddStruct("pair", 8, [new BtfMember("int", i, 0, 0), new BtfMember("pair", i, 32, 0)]);
        builder.AddTypedef("pair", i);
        var btf = Nectar.Btf.Btf.Parse(builder.ToArray());
        // "\0int\0pair\0" : every name stored once.
        Assert.Equal(10u, btf.TotalStringLength);
        Assert.Equal("pair", btf.GetType(3).Name);
    }
}
