using Nectar.Usdt;

namespace Nectar.Tests.Usdt;

/// <summary>
/// x86-64 argument specs into usdt.bpf.h's struct __bpf_usdt_arg_spec: kinds, struct pt_regs
/// offsets of 64/32/16/8-bit register names, sizes and signs, and bad specs as typed errors.
/// </summary>
public class UsdtArgumentTests
{
    [Theory]
    [InlineData("-4@%eax", 1 /* Register */, 0L, 80, true, 32)]
    [InlineData("8@%rax", 1 /* Register */, 0L, 80, false, 0)]
    [InlineData("-2@%dx", 1 /* Register */, 0L, 96, true, 48)]
    [InlineData("-1@%al", 1 /* Register */, 0L, 80, true, 56)]
    [InlineData("1@%sil", 1 /* Register */, 0L, 104, false, 56)]
    [InlineData("-8@%rcx", 1 /* Register */, 0L, 88, true, 0)]
    [InlineData("-4@%r8d", 1 /* Register */, 0L, 72, true, 32)]
    [InlineData("2@%r15w", 1 /* Register */, 0L, 0, false, 48)]
    [InlineData("1@%r12b", 1 /* Register */, 0L, 24, false, 56)]
    [InlineData("8@%rip", 1 /* Register */, 0L, 128, false, 0)]
    [InlineData("-4@-4(%rsp)", 2 /* RegisterDereference */, -4L, 152, true, 32)]
    [InlineData("8@-1204(%rbp)", 2 /* RegisterDereference */, -1204L, 32, false, 0)]
    [InlineData("4@(%rdi)", 2 /* RegisterDereference */, 0L, 112, false, 32)]
    [InlineData("8@0x10(%rbx)", 2 /* RegisterDereference */, 16L, 40, false, 0)]
    [InlineData("-4@$5", 0 /* Constant */, 5L, 0, true, 32)]
    [InlineData("-4@$-9", 0 /* Constant */, -9L, 0, true, 32)]
    [InlineData("8@$0xff", 0 /* Constant */, 255L, 0, false, 0)]
    public void Parses_each_form_into_the_spec_bpf_usdt_arg_reads(string spec, int kind, long value, short register, bool signed, byte shift)
    {
        Assert.Equal(new UsdtArgument((UsdtArgumentKind)kind, value, register, signed, shift), UsdtArgument.Parse(spec, "p:n", 0));
    }

    [Theory]
    [InlineData("%eax", "no SIZE@ prefix")]
    [InlineData("3@%eax", "is not 1, 2, 4 or 8")]
    [InlineData("-16@%eax", "is not 1, 2, 4 or 8")]
    [InlineData("x@%eax", "is not 1, 2, 4 or 8")]
    [InlineData("4@%ah", "not an x86-64 register")]
    [InlineData("4@%xmm0", "not an x86-64 register")]
    [InlineData("4@$abc", "not a decimal or 0x-hex constant")]
    [InlineData("4@$", "not a decimal or 0x-hex constant")]
    [InlineData("8@nectar_global(%rip)", "symbol-relative")]
    [InlineData("4@8(%rax,%rbx,4)", "indexed memory operand")]
    [InlineData("4@8(rax)", "is not a %register")]
    [InlineData("4@8", "none of $CONST")]
    [InlineData("4@", "none of $CONST")]
    public void A_spec_it_cannot_read_is_a_BadArgument_error_naming_the_probe_and_the_spec(string spec, string expected)
    {
        var error = Assert.Throws<UsdtException>(() => UsdtArgument.Parse(spec, "nectar:args", 2));
        Assert.Equal(UsdtProblem.BadArgument, error.Problem);
        Assert.Contains("nectar:args, argument 2", error.Message);
        Assert.Contains($"'{spec}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_note_splits_on_spaces_and_more_than_twelve_arguments_is_refused_as_libbpf_does()
    {
        var arguments = UsdtArgument.ParseAll("  -4@%eax   8@-8(%rbp) -4@$5 ", "p:n");
        Assert.Equal([UsdtArgumentKind.Register, UsdtArgumentKind.RegisterDereference, UsdtArgumentKind.Constant], arguments.Select(a => a.Kind));
        Assert.Empty(UsdtArgument.ParseAll("", "p:n"));
        var error = Assert.Throws<UsdtException>(() => UsdtArgument.ParseAll(string.Join(' ', Enumerable.Repeat("8@%rax", 13)), "p:n"));
        Assert.Contains("at most 12", error.Message);
    }

    [Fact]
    public void The_spec_value_is_laid_out_as_struct___bpf_usdt_spec_and_reads_back()
    {
        var spec = new UsdtSpec([UsdtArgument.Parse("-4@-4(%rsp)", "p:n", 0), UsdtArgument.Parse("-4@$-9", "p:n", 1)], Cookie: 0x1122334455667788);
        byte[] bytes = spec.Encode();
        Assert.Equal(208, bytes.Length);
        // args[0]: val_off -4, arg_type 2, reg_off 152, arg_signed 1, arg_bitshift 32
        Assert.Equal([0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 152, 0, 1, 32], bytes[..16]);
        Assert.Equal([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], bytes[192..200]);
        Assert.Equal([2, 0], bytes[200..202]);
        var back = UsdtSpec.Decode(bytes);
        Assert.Equal(spec.Arguments, back.Arguments);
        Assert.Equal(spec.Cookie, back.Cookie);
    }
}
