using System.Buffers.Binary;
using Nectar.Programs;

namespace Nectar.Tests.Loader;

/// <summary>How one config value is stored into a __kconfig extern of each C type (libbpf's rules).</summary>
public class KconfigValuesTests
{
    private static BpfExtern Extern(KconfigValueKind kind, int size, bool signed = false) =>
        new("CONFIG_TEST", ExternKind.Kconfig, false, 0) { ValueKind = kind, Size = size, IsSigned = signed };

    private static byte[] Store(BpfExtern e, string raw)
    {
        var bytes = Enumerable.Repeat((byte)0xAA, e.Size).ToArray(); // stale bytes must not survive
        KconfigValues.Write(bytes, e, raw);
        return bytes;
    }

    [Theory]
    [InlineData("y", 1)]
    [InlineData("n", 0)]
    public void Bool_takes_y_and_n(string raw, byte expected) =>
        Assert.Equal([expected], Store(Extern(KconfigValueKind.Bool, 1), raw));

    [Fact]
    public void Bool_refuses_m_and_says_to_use_a_tristate()
    {
        var error = Assert.Throws<BpfExternException>(() => Store(Extern(KconfigValueKind.Bool, 1), "m"));
        Assert.Equal("CONFIG_TEST", error.ExternName);
        Assert.Contains("libbpf_tristate", error.Message);
    }

    [Theory]
    [InlineData("n", 0u)]
    [InlineData("y", 1u)]
    [InlineData("m", 2u)]
    public void Tristate_is_libbpfs_enum(string raw, uint expected) =>
        Assert.Equal(expected, BinaryPrimitives.ReadUInt32LittleEndian(Store(Extern(KconfigValueKind.Tristate, 4), raw)));

    [Theory]
    [InlineData("y", (byte)'y')]
    [InlineData("m", (byte)'m')]
    [InlineData("65", 65)]
    public void Char_takes_the_letter_or_a_small_number(string raw, byte expected) =>
        Assert.Equal([expected], Store(Extern(KconfigValueKind.Char, 1), raw));

    [Theory]
    [InlineData("250", 4, false, 250L)]
    [InlineData("0x1000000", 8, false, 0x1000000L)]
    [InlineData("0XfF", 2, false, 255L)]
    [InlineData("010", 4, false, 8L)]      // a leading 0 is octal, as strtoull reads it
    [InlineData("0", 4, false, 0L)]
    [InlineData("-3", 4, true, -3L)]
    [InlineData("-128", 1, true, -128L)]
    [InlineData("0xdead000000000000", 8, false, unchecked((long)0xdead000000000000))]
    public void Integers_are_decimal_hex_or_octal_little_endian(string raw, int size, bool signed, long expected)
    {
        var bytes = Store(Extern(KconfigValueKind.Integer, size, signed), raw);
        var full = new byte[8];
        bytes.CopyTo(full, 0);
        if (signed && (bytes[^1] & 0x80) != 0)
            full.AsSpan(size).Fill(0xFF);
        Assert.Equal(expected, BinaryPrimitives.ReadInt64LittleEndian(full));
    }

    [Theory]
    [InlineData("65536", 2, false)]
    [InlineData("128", 1, true)]
    [InlineData("-1", 4, false)]
    [InlineData("0x100000000", 4, true)]
    public void A_number_too_wide_for_the_type_is_refused(string raw, int size, bool signed)
    {
        var error = Assert.Throws<BpfExternException>(() => Store(Extern(KconfigValueKind.Integer, size, signed), raw));
        Assert.Contains("does not fit", error.Message);
    }

    [Theory]
    [InlineData("12abc")]
    [InlineData("0x")]
    [InlineData("09")]
    [InlineData("99999999999999999999999")]
    [InlineData("y y")]
    public void Garbage_is_neither_letter_string_nor_number(string raw)
    {
        var error = Assert.Throws<BpfExternException>(() => Store(Extern(KconfigValueKind.Integer, 8), raw));
        Assert.Contains("neither y/n/m, a quoted string nor a number", error.Message);
    }

    [Fact]
    public void Strings_fill_char_arrays_nul_terminated_and_truncated()
    {
        Assert.Equal("(none)\0\0"u8.ToArray(), Store(Extern(KconfigValueKind.CharArray, 8), "\"(none)\""));
        Assert.Equal("abc\0"u8.ToArray(), Store(Extern(KconfigValueKind.CharArray, 4), "\"abcdef\""));
        Assert.Equal(new byte[4], Store(Extern(KconfigValueKind.CharArray, 4), "\"\""));
    }

    [Fact]
    public void A_string_without_its_closing_quote_is_refused()
    {
        var error = Assert.Throws<BpfExternException>(() => Store(Extern(KconfigValueKind.CharArray, 8), "\"open"));
        Assert.Contains("closing quote", error.Message);
    }

    [Theory]
    [InlineData(KconfigValueKind.Integer, 4, "\"text\"", "declare it a char array")]
    [InlineData(KconfigValueKind.CharArray, 8, "5", "declare it an integer type")]
    [InlineData(KconfigValueKind.CharArray, 8, "y", "declare it bool, enum libbpf_tristate or char")]
    [InlineData(KconfigValueKind.Integer, 4, "m", "declare it bool, enum libbpf_tristate or char")]
    public void A_value_of_the_wrong_shape_for_the_type_names_the_type_to_use(KconfigValueKind kind, int size, string raw, string fix)
    {
        var error = Assert.Throws<BpfExternException>(() => Store(Extern(kind, size), raw));
        Assert.Contains(fix, error.Message);
        Assert.Contains("CONFIG_TEST", error.Message);
    }
}
