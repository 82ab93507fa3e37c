using System.Buffers.Binary;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

/// <summary>Bad BTF gets a BtfException naming where and what; never a crash, a hang or an unbounded allocation.</summary>
public class BtfRobustnessTests
{
    private static byte[] Small()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4, BtfIntEncoding.Signed);
        uint p = b.AddPointer(i);
        b.AddStruct("s", 16, [new BtfMember("a", i, 0, 0), new BtfMember("p", p, 64, 0)]);
        b.AddEnum("e", 4, false, [new BtfEnumValue("E", 1)]);
        return b.ToArray();
    }

    [Fact]
    public void Every_truncation_of_a_small_blob_is_refused_with_an_offset()
    {
        byte[] blob = Small();
        Assert.Equal(4u, Nectar.Btf.Btf.Parse(blob).LastTypeId);
        for (int length = 0; length < blob.Length; length++)
        {
            var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(blob.AsSpan(0, length).ToArray()));
            Assert.True(error.Offset >= 0, $"length {length}: {error.Message}");
            Assert.Contains("Malformed BTF at byte offset", error.Message);
        }
    }

    [Theory]
    [InlineData(12, 8, "type section")]      // type_len: reported at the section's offset field
    [InlineData(20, 16, "string section")]   // str_len
    [InlineData(4, 4, "header length")]      // hdr_len
    public void Header_claiming_more_than_exists_is_refused(int field, int reportedAt, string named)
    {
        byte[] blob = Small();
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(field), 0xFFFF_FF00);
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(blob));
        Assert.Contains(named, error.Message);
        Assert.Equal(reportedAt, error.Offset);
    }

    [Fact]
    public void Vlen_claiming_more_members_than_exist_is_refused()
    {
        byte[] blob = Small();
        // The struct is the third record (after INT's 16 bytes and PTR's 12): set vlen to 65535.
        int info = BtfHeader.MinimumLength + 16 + 12 + 4;
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(info), 0xFFFF);
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(blob));
        Assert.Contains("truncated", error.Message);
        Assert.Equal(info - 4, error.Offset);
    }

    [Fact]
    public void Reference_to_a_missing_type_names_where()
    {
        var b = new BtfBuilder();
        b.AddPointer(99);
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(b.ToArray()));
        Assert.Contains("type id 99", error.Message);
        Assert.Equal(BtfHeader.MinimumLength + 8, error.Offset);
    }

    [Fact]
    public void Typedef_loop_is_cyclic_for_every_query()
    {
        var b = new BtfBuilder();
        uint a = b.AddTypedef("a_t", 2);
        b.AddTypedef("b_t", a);
        uint s = b.AddStruct("holder", 8, [new BtfMember("x", a, 0, 0)]);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());

        AssertCyclic(() => btf.SkipModifiersAndTypedefs(a));
        AssertCyclic(() => btf.SizeOf(a));
        AssertCyclic(() => btf.AlignOf(s));
        AssertCyclic(() => BtfCDump.ToString(btf));
    }

    [Fact]
    public void Struct_containing_itself_by_value_is_cyclic()
    {
        var b = new BtfBuilder();
        uint self = b.NextTypeId;
        // Many members of itself: a naive recursive alignment would take 64^64 steps.
        b.AddStruct("ouroboros", 8, Enumerable.Range(0, 64).Select(i => new BtfMember("m" + i, self, 0, 0)).ToList());
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());

        Assert.Equal(8u, btf.SizeOf(self)); // BTF records the size; only deriving layout recurses
        AssertCyclic(() => btf.AlignOf(self));
        AssertCyclic(() => BtfCDump.ToString(btf));
    }

    [Fact]
    public void Array_of_itself_is_cyclic()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4);
        uint array = b.AddArray(b.NextTypeId, i, 2);
        uint s = b.AddStruct("holder", 8, [new BtfMember("x", array, 0, 0)]);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());

        AssertCyclic(() => btf.SizeOf(array));
        AssertCyclic(() => btf.AlignOf(s));
        AssertCyclic(() => BtfCDump.ToString(btf));
    }

    [Fact]
    public void Anonymous_member_containing_its_own_struct_is_cyclic_and_shared_ones_are_searched_once()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4);
        uint self = b.NextTypeId;
        b.AddStruct("", 8, [new BtfMember("", self, 0, 0), new BtfMember("", self, 0, 0)]);
        // A chain of 40 anonymous structs, each holding the next twice: 2^40 paths, 40 types.
        uint first = b.NextTypeId;
        for (int level = 0; level < 40; level++)
            b.AddStruct("", 8, [new BtfMember("", first + (uint)level + 1, 0, 0), new BtfMember("", first + (uint)level + 1, 0, 0)]);
        b.AddStruct("", 8, [new BtfMember("leaf", i, 0, 0)]);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());

        AssertCyclic(() => btf.FindMember(self, "anything"));
        Assert.Null(btf.FindMember(first, "absent"));
        Assert.NotNull(btf.FindMember(first, "leaf"));
    }

    [Fact]
    public void Array_sizes_that_overflow_are_refused()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4);
        uint huge = b.AddArray(b.AddArray(i, i, 0xFFFF_FFFF), i, 0xFFFF_FFFF);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());
        var error = Assert.Throws<BtfException>(() => btf.SizeOf(huge));
        Assert.Contains("overflows", error.Message);
        Assert.True(error.Offset > 0);
    }

    private static void AssertCyclic(Action query)
    {
        var error = Assert.Throws<BtfException>(query);
        Assert.Contains("cyclic", error.Message);
        Assert.True(error.Offset > 0, error.Message);
    }
}
