using System.IO.Compression;
using Nectar.Btf;

namespace Nectar.Testing;

/// <summary>
/// Committed test inputs under tests/fixtures, so tests never depend on the running kernel's BTF.
/// vmlinux.btf.gz is /sys/kernel/btf/vmlinux of a Linux 6.18 x86_64 kernel, gzip -9: the same
/// release as the development host (6.18.44, 1,601 btf_trace_* typedefs, 1,602 __traceiter_* FUNCs,
/// task_struct 3,264 bytes, linux_binprm 408) but another build of it (its config has autofs built
/// in, the host's does not), so its type ids differ from the host's. bpf/include/vmlinux.h is its C dump.
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<byte[]> s_vmlinuxBytes = new(() => Decompress("vmlinux.btf.gz"));
    private static readonly Lazy<Btf.Btf> s_vmlinux = new(() => Btf.Btf.Parse(s_vmlinuxBytes.Value));

    /// <summary>The folder of committed fixtures (found by walking up from the test binary).</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>The raw bytes of the committed vmlinux BTF.</summary>
    public static byte[] VmlinuxBtfBytes => s_vmlinuxBytes.Value;

    /// <summary>The committed vmlinux BTF, parsed once per test run.</summary>
    public static Btf.Btf VmlinuxBtf => s_vmlinux.Value;

    /// <summary>The committed vmlinux BTF decompressed to a file (for tools that take a path, like bpftool).</summary>
    public static string VmlinuxBtfPath
    {
        get
        {
            string path = Path.Combine(Path.GetTempPath(), $"nectar-vmlinux-{Environment.ProcessId}.btf");
            if (!File.Exists(path))
                File.WriteAllBytes(path, VmlinuxBtfBytes);
            return path;
        }
    }

    public static string PathOf(string name) => Path.Combine(Directory, name);

    private static byte[] Decompress(string name)
    {
        using var input = new GZipStream(File.OpenRead(PathOf(name)), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (System.IO.Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
