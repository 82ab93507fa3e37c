using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Layouts;
using BtfData = Nectar.Btf.Btf;

namespace Nectar.Tests.Layouts;

#pragma warning disable CS8981 // named as the generator names kernel types: the C name
/// <summary>Shaped as the generator emits a kernel type from <see cref="KernelLayoutTests.Generated"/>'s struct snap.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24, Pack = 1)]
public struct snap
{
    public const string BtfLayout = "size=24;vma@0:64;argc@64:32;flag@96:1b;mode@97:3b;a@128:32;b@128:16;gone@160:32";

    [FieldOffset(0)] public long vma;
    [FieldOffset(8)] public int argc;
    [FieldOffset(12)] private byte _bits12;
    public uint flag => (uint)(_bits12 & 1);
    public uint mode => (uint)((_bits12 >> 1) & 7);
    [FieldOffset(16)] public uint a;
    [FieldOffset(16)] public ushort b;
    [FieldOffset(20)] public int gone;
}

/// <summary>Shaped as the generator emits it now: a PascalCase name, the C name in <c>BtfName</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24, Pack = 1)]
public struct Snap
{
    public const string BtfName = "snap";
    public const string BtfLayout = snap.BtfLayout;

    [FieldOffset(0)] public long Vma;
    [FieldOffset(8)] public int Argc;
}
#pragma warning restore CS8981

/// <summary>Generated layouts against another kernel's BTF: a match reads plainly, a difference is found and followed, or refused in strict use.</summary>
public class KernelLayoutTests
{
    // struct snap { long vma; int argc; unsigned flag:1, mode:3; union { u32 a; u16 b; }; int gone; }: 24 bytes, as generated.
    internal static BtfData Generated()
    {
        var b = new BtfBuilder();
        uint l = b.AddInt("long", 8, BtfIntEncoding.Signed), i = b.AddInt("int", 4, BtfIntEncoding.Signed), u = b.AddInt("unsigned int", 4), s = b.AddInt("unsigned short", 2);
        uint union = b.AddUnion("", 4, [new("a", u, 0, 0), new("b", s, 0, 0)]);
        b.AddStruct("snap", 24, [new("vma", l, 0, 0), new("argc", i, 64, 0), new("flag", u, 96, 1), new("mode", u, 97, 3), new("", union, 128, 0), new("gone", i, 160, 0)]);
        return BtfData.Parse(b.ToArray());
    }

    // The same struct on another kernel: a new first member shifts everything by 8, the union by 8 more, and gone is gone.
    private static BtfData Running()
    {
        var b = new BtfBuilder();
        uint l = b.AddInt("long", 8, BtfIntEncoding.Signed), i = b.AddInt("int", 4, BtfIntEncoding.Signed), u = b.AddInt("unsigned int", 4), s = b.AddInt("unsigned short", 2);
        uint union = b.AddUnion("", 4, [new("a", u, 0, 0), new("b", s, 0, 0)]);
        b.AddStruct("snap", 32, [new("loader", l, 0, 0), new("vma", l, 64, 0), new("argc", i, 128, 0), new("flag", u, 160, 1), new("mode", u, 161, 3), new("", union, 224, 0)]);
        return BtfData.Parse(b.ToArray());
    }

    // Bytes of a snap as the running kernel lays it out: vma 0x1122334455667788, argc 3, flag 1, mode 5, a 0xCAFEBABE.
    private static byte[] RunningSnapshot()
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), -1L); // loader, which the generated type does not have
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 0x1122334455667788L);
        BitConverter.TryWriteBytes(bytes.AsSpan(16), 3);
        bytes[20] = 1 | (5 << 1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), 0xCAFEBABEu);
        return bytes;
    }

    [Fact]
    public void The_generated_layout_text_is_what_the_generator_writes_for_the_btf()
    {
        BtfData generated = Generated();
        uint id = generated.GetByName("snap", BtfKind.Struct).Id;
        Assert.Equal(snap.BtfLayout, BtfLayout.Format(24, BtfLayout.Flatten(generated, id)));
        (uint size, List<BtfLayoutMember> members) = BtfLayout.Parse(snap.BtfLayout);
        Assert.Equal(24u, size);
        Assert.Equal(new BtfLayoutMember("mode", 97, 3, true), members[3]);
    }

    [Fact]
    public void The_same_layout_matches_and_reads_plainly()
    {
        KernelLayoutMap map = KernelLayoutMap.Compare("snap", snap.BtfLayout, Generated());
        Assert.True(map.Matches);
        Assert.Null(map.FirstDifference);
        var bytes = new byte[24];
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 42);
        Assert.Equal(42, map.Read<snap>(bytes).argc);
    }

    [Fact]
    public void A_different_layout_is_detected_at_its_first_differing_member_with_both_offsets()
    {
        KernelLayoutMap map = KernelLayoutMap.Compare("snap", snap.BtfLayout, Running());
        Assert.False(map.Matches);
        KernelLayoutDifference d = map.FirstDifference!;
        Assert.Equal("vma", d.Member);
        Assert.Equal(0u, d.GeneratedBitOffset);
        Assert.Equal(64u, d.RunningBitOffset);
        Assert.Equal("member 'vma' is at byte 8 (8 bytes) on the running kernel, at byte 0 (8 bytes) in the generated layout", d.Description);
        Assert.Equal(24u, map.GeneratedSize);
        Assert.Equal(32u, map.RunningSize);
    }

    [Fact]
    public void A_different_layout_reads_every_member_from_the_running_kernels_offsets_and_absent_ones_as_zero()
    {
        KernelLayoutMap map = KernelLayoutMap.Compare("snap", snap.BtfLayout, Running());
        snap s = map.Read<snap>(RunningSnapshot());
        Assert.Equal(0x1122334455667788L, s.vma);
        Assert.Equal(3, s.argc);
        Assert.Equal(1u, s.flag);
        Assert.Equal(5u, s.mode);
        Assert.Equal(0xCAFEBABEu, s.a);
        Assert.Equal((ushort)0xBABE, s.b); // through the anonymous union, as C reads it
        Assert.Equal(0, s.gone);
        Assert.False(map.Has("gone"));
        Assert.True(map.Has("argc"));

        // The plain read would have taken the bytes at the generated offsets: the wrong ones.
        Assert.NotEqual(3, MemoryMarshal.Read<snap>(RunningSnapshot()).argc);
    }

    [Fact]
    public void Strict_use_of_a_different_layout_throws_naming_the_type_the_member_and_both_offsets()
    {
        KernelStruct<snap>.UseKernel(Running());
        var e = Assert.Throws<KernelLayoutMismatchException>(() => KernelStruct<snap>.View(RunningSnapshot()).argc);
        Assert.Equal("snap", e.TypeName);
        Assert.Contains("struct snap", e.Message);
        Assert.Contains("'vma' is at byte 8 (8 bytes) on the running kernel, at byte 0 (8 bytes) in the generated layout", e.Message);
        Assert.Equal(3, KernelStruct<snap>.Read(RunningSnapshot()).argc);

        KernelStruct<snap>.UseKernel(Generated());
        KernelStruct<snap>.EnsureSameLayout();
        var bytes = new byte[24];
        bytes[8] = 9;
        Assert.Equal(9, KernelStruct<snap>.View(bytes).argc);
    }

    [Fact]
    public void A_generated_types_btf_name_is_the_kernel_type_it_is_compared_with()
    {
        // Snap is not a type in the BTF: snap is, and its BtfName says so.
        KernelStruct<Snap>.UseKernel(Running());
        var e = Assert.Throws<KernelLayoutMismatchException>(() => KernelStruct<Snap>.View(RunningSnapshot()).Argc);
        Assert.Equal("snap", e.TypeName);
        Assert.Equal(3, KernelStruct<Snap>.Read(RunningSnapshot()).Argc);
    }

    [Fact]
    public void A_member_missing_from_the_running_kernel_is_the_difference_when_it_comes_first()
    {
        var b = new BtfBuilder();
        uint l = b.AddInt("long", 8, BtfIntEncoding.Signed);
        b.AddStruct("snap", 24, [new("other", l, 0, 0)]);
        KernelLayoutDifference d = KernelLayoutMap.Compare("snap", snap.BtfLayout, BtfData.Parse(b.ToArray())).FirstDifference!;
        Assert.Equal("vma", d.Member);
        Assert.Null(d.RunningBitOffset);
        Assert.Contains("does not exist on the running kernel", d.Description);
    }

    [Fact]
    public void A_type_the_running_kernel_lacks_is_an_error_that_says_so()
    {
        var b = new BtfBuilder();
        b.AddInt("int", 4, BtfIntEncoding.Signed);
        var e = Assert.Throws<BtfException>(() => KernelLayoutMap.Compare("snap", snap.BtfLayout, BtfData.Parse(b.ToArray())));
        Assert.Contains("no struct or union 'snap'", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("size=x")]
    [InlineData("size=8;vma")]
    [InlineData("size=8;vma@1")]
    [InlineData("size=8;vma@a:8")]
    public void Malformed_layout_text_is_a_format_error_naming_the_part(string text)
        => Assert.Throws<FormatException>(() => BtfLayout.Parse(text));
}
