using Nectar.Btf;

namespace Nectar.Tests.Btf;

/// <summary>What kind_flag means for each kind (bitfields, forward unions, enum signedness).</summary>
public class BtfKindFlagTests
{
    [Fact]
    public void Bitfields_are_read_from_both_encodings()
    {
        var builder = new BtfBuilder();
        uint u32 = builder.AddInt("unsigned int", 4);
        // kind_flag = 1: the member offset word holds the width in its top byte.
        uint modern = builder.AddStruct("modern", 4, [new BtfMember("a", u32, 0, 3), new BtfMember("b", u32, 3, 5)]);
        // kind_flag = 0: the member's INT type carries the width and an offset inside the storage.
        uint narrow = builder.AddInt("unsigned int", 4, BtfIntEncoding.None, bits: 5, bitOffset: 3);
        uint typedefNarrow = builder.AddTypedef("u5", narrow);
        uint legacy = builder.AddStruct("legacy", 4, [new BtfMember("a", u32, 0, 0), new BtfMember("b", typedefNarrow, 0, 0)]);
        var btf = Nectar.Btf.Btf.Parse(builder.ToArray());

        Assert.True(btf.GetType(modern).KindFlag);
        Assert.Equal(new BtfMember("b", u32, 3, 5), btf.GetType(modern).GetMember(1));
        Assert.False(btf.GetType(legacy).KindFlag);
        Assert.Equal(new BtfMember("a", u32, 0, 0), btf.GetType(legacy).GetMember(0));
        Assert.Equal(new BtfMember("b", typedefNarrow, 3, 5), btf.GetType(legacy).GetMember(1));
        Assert.Equal(3u, btf.FindMember(legacy, "b")!.Value.BitOffset);
    }

    [Fact]
    public void Forward_declarations_and_enum_signedness_follow_kind_flag()
    {
        var builder = new BtfBuilder();
        uint structForward = builder.AddForward("s", isUnion: false);
        uint unionForward = builder.AddForward("u", isUnion: true);
        uint signed = builder.AddEnum("e", 4, signed: true, [new BtfEnumValue("MINUS", -1)]);
        uint unsigned = builder.AddEnum("f", 4, signed: false, [new BtfEnumValue("BIG", 0xFFFF_FFFF)]);
        uint signed64 = builder.AddEnum64("g", 8, signed: true, [new BtfEnumValue("MIN", long.MinValue)]);
        var btf = Nectar.Btf.Btf.Parse(builder.ToArray());

        Assert.False(btf.GetType(structForward).IsForwardUnion);
        Assert.True(btf.GetType(unionForward).IsForwardUnion);
        Assert.True(btf.GetType(signed).IsSigned);
        Assert.Equal(-1, btf.GetType(signed).EnumValues[0].Value);
        Assert.False(btf.GetType(unsigned).IsSigned);
        Assert.Equal(0xFFFF_FFFFL, btf.GetType(unsigned).EnumValues[0].Value);
        Assert.Equal(long.MinValue, btf.GetType(signed64).EnumValues[0].Value);
    }
}
