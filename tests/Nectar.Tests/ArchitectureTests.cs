using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Tests;

/// <summary>
/// The runtime's layering, checked on its sources: only Interop/ talks to the kernel through bpf(2)
/// (its typed functions per command are the one seam, which tests can fake), and the pure object
/// model (the folders the generator compiles too) refers to nothing kernel-facing.
/// </summary>
public partial class ArchitectureTests
{
    private static readonly string s_runtime = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", "..", "runtime", "Nectar"));

    /// <summary>The folders of the pure object model: no syscall, no kernel object, compiled into the generator.</summary>
    private static readonly string[] s_pureFolders = ["Btf", "Elf"];

    /// <summary>
    /// Files of the pure folders allowed to reach the kernel, each with why. KernelBtfMapping maps the
    /// running kernel's BTF file (mmap, runtime only: #if NET, so never compiled into the generator).
    /// </summary>
    private static readonly string[] s_pureExceptions = ["Btf/KernelBtfMapping.cs"];

    [Fact]
    public void Only_Interop_calls_bpf()
    {
        var offenders = Sources()
            .Where(f => !f.Relative.StartsWith("Interop/", StringComparison.Ordinal))
            .SelectMany(f => SyscallUse().Matches(f.Text).Select(m => $"{f.Relative}: {m.Value}"))
            .ToList();

        Assert.True(offenders.Count == 0,
            "bpf(2) is called only through runtime/Nectar/Interop's typed functions (Bpf.MapCreate, Bpf.TryProgLoad, Bpf.TryLinkCreate, ...); " +
            "add one there instead of filling a bpf_attr here:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_pure_object_model_refers_to_nothing_kernel_facing()
    {
        var offenders = Sources()
            .Where(f => s_pureFolders.Any(folder => f.Relative.StartsWith(folder + "/", StringComparison.Ordinal)))
            .Where(f => !s_pureExceptions.Contains(f.Relative))
            .SelectMany(f => KernelFacing().Matches(f.Text).Select(m => $"{f.Relative}: {m.Value}"))
            .ToList();

        Assert.True(offenders.Count == 0,
            $"{string.Join(", ", s_pureFolders)} are compiled into the generator and must stay pure (no syscalls, no kernel objects):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_sees_the_sources_and_the_calls_it_forbids()
    {
        // Guards the two tests above against passing vacuously (a wrong path, a pattern that no longer matches).
        var sources = Sources().ToList();
        Assert.Contains(sources, f => f.Relative == "Maps/BpfMap.cs");
        Assert.Contains(sources, f => f.Relative == "Btf/Btf.cs");
        Assert.Contains(sources, f => f.Relative.StartsWith("Interop/", StringComparison.Ordinal) && SyscallUse().IsMatch(f.Text));
        Assert.Matches(KernelFacing(), "using Nectar.Interop;");
        Assert.Matches(KernelFacing(), "var fd = Libc.Close(3);");
    }

    private static IEnumerable<(string Relative, string Text)> Sources() =>
        Directory.EnumerateFiles(s_runtime, "*.cs", SearchOption.AllDirectories)
            .Select(path => (Relative: Path.GetRelativePath(s_runtime, path).Replace('\\', '/'), Path: path))
            .Where(f => !f.Relative.StartsWith("obj/", StringComparison.Ordinal) && !f.Relative.StartsWith("bin/", StringComparison.Ordinal))
            .Select(f => (f.Relative, File.ReadAllText(f.Path)));

    /// <summary>The raw syscall and the untyped bpf(2) entry points.</summary>
    [GeneratedRegex(@"\bBpf\.(Call|TryCall|CallForFd)\s*[<(]|\bBpfCommand\.\w+|\bLibc\.Syscall\b|\bSyscallNumbers\.\w+|\bBpfSyscallHook\b")]
    private static partial Regex SyscallUse();

    /// <summary>Namespaces and types that reach the kernel or hold kernel objects.</summary>
    [GeneratedRegex(@"\busing\s+Nectar\.(Interop|Maps|Programs|Links|Events)\s*;|\bNectar\.(Interop|Maps|Programs|Links|Events)\.\w+|\b(Libc|Bpf|BpfFileDescriptor)\.\w+|\b(LibraryImport|DllImport)\b")]
    private static partial Regex KernelFacing();
}
