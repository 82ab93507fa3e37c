using Nectar.Elf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Elf;

/// <summary>
/// Inputs that once got a misleading message (tests/fixtures/mutants, see its README): each is
/// refused with an <see cref="ElfException"/> that names the real problem.
/// </summary>
public class MutantRegressionTests
{
    public static TheoryData<string, int> TruncatedHeaders => new()
    {
        { "elf-magic-only-4-bytes.o", 4 },
        { "elf-header-cut-at-17-bytes.o", 17 },
        { "elf-header-cut-at-63-bytes.o", 63 },
    };

    [Theory]
    [MemberData(nameof(TruncatedHeaders))]
    public void A_file_with_the_ELF_magic_shorter_than_the_header_is_called_truncated_not_unmagical(string file, int length)
    {
        string path = Path.Combine(Fixtures.Directory, "mutants", file);
        Assert.Equal(length, new FileInfo(path).Length);

        var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Read(path));
        Assert.Equal($"{path}: truncated: it starts with the ELF magic but has {length} bytes, fewer than the 64-byte ELF header.", error.Message);
        var native = Assert.Throws<ElfException>(() => NativeElfFile.Read(path));
        Assert.Contains($"truncated: it starts with the ELF magic but has {length} bytes", native.Message);
    }

    [Fact]
    public void A_file_without_the_magic_still_says_so()
    {
        var error = Assert.Throws<ElfException>(() => ElfFile.Parse([0x7F, (byte)'E', (byte)'L'], "short.o"));
        Assert.Equal("short.o: not an ELF file (no \\x7fELF magic at offset 0); compile BPF programs with clang -target bpf -c.", error.Message);
    }

    [Fact]
    public void A_directory_is_called_a_directory_not_access_denied()
    {
        string directory = Directory.CreateTempSubdirectory("nectar-mutant-").FullName;
        try
        {
            var error = Assert.Throws<ElfException>(() => BpfObjectSpec.Read(directory));
            Assert.StartsWith($"{directory}: ", error.Message);
            Assert.Contains("directory", error.Message);
            Assert.DoesNotContain("denied", error.Message);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
