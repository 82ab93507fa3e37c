using Nectar.Programs;

namespace Nectar.Tests.Loader;

public class KernelConfigTests
{
    private const string Sample = """
        #
        # Automatically generated file; DO NOT EDIT.
        #
        CONFIG_BPF_SYSCALL=y
        CONFIG_EXT4_FS=m
        # CONFIG_MODULES is not set
        CONFIG_HZ=250
        CONFIG_PHYSICAL_START=0x1000000
        CONFIG_DEFAULT_HOSTNAME="(none)"
        CONFIG_LOCALVERSION=""

        CONFIG_NEGATIVE=-3
        """;

    [Fact]
    public void Parses_letters_numbers_and_strings_and_skips_comments()
    {
        var config = KernelConfig.Parse(Sample, "sample");
        Assert.Equal("y", config["CONFIG_BPF_SYSCALL"]);
        Assert.Equal("m", config["CONFIG_EXT4_FS"]);
        Assert.Equal("250", config["CONFIG_HZ"]);
        Assert.Equal("0x1000000", config["CONFIG_PHYSICAL_START"]);
        Assert.Equal("\"(none)\"", config["CONFIG_DEFAULT_HOSTNAME"]);
        Assert.Equal("\"\"", config["CONFIG_LOCALVERSION"]);
        Assert.Equal("-3", config["CONFIG_NEGATIVE"]);
        Assert.Null(config["CONFIG_MODULES"]); // "is not set" is absent, as libbpf reads it
        Assert.Equal(7, config.Values.Count);
        Assert.Equal("sample", config.Source);
    }

    [Fact]
    public void Windows_line_endings_are_not_part_of_values()
    {
        var config = KernelConfig.Parse("CONFIG_A=y\r\nCONFIG_B=\"x\"\r\n", "crlf");
        Assert.Equal("y", config["CONFIG_A"]);
        Assert.Equal("\"x\"", config["CONFIG_B"]);
    }

    [Theory]
    [InlineData("CONFIG_BPF\n", "has no '='")]
    [InlineData("CONFIG_A=y\nCONFIG_HZ=\n", "CONFIG_HZ' has no value")]
    public void A_config_line_without_a_value_is_refused_with_its_line(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => KernelConfig.Parse(text, "bad.config"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith($"bad.config:{text.Count(c => c == '\n')}:", error.Message);
    }

    [Theory]
    [InlineData("6.18.44-fc-v657", 0x06122C)]
    [InlineData("5.4.0-1.2-generic", 0x050400)]
    [InlineData("4.19.300", 0x0413FF)] // the patch level is capped at 255, as KERNEL_VERSION does
    [InlineData("6.1.0", 0x060100)]
    public void Kernel_version_code_is_kernel_version_of_the_release(string release, int expected)
    {
        Assert.True(KernelRelease.TryVersionCode(release, out uint code));
        Assert.Equal((uint)expected, code);
    }

    [Theory]
    [InlineData("6.18")]
    [InlineData("six.1.2")]
    [InlineData("6.1.x")]
    [InlineData("")]
    public void A_release_without_three_numbers_has_no_version_code(string release) =>
        Assert.False(KernelRelease.TryVersionCode(release, out _));
}
