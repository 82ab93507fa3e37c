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

    /// <summary>
    /// The folders of the pure object model: no syscall, no kernel object, compiled into the generator.
    /// Objects/ declares its types in the namespaces users know them by (Nectar.Programs.BpfObjectSpec,
    /// Nectar.Maps.MapSpec), so purity is checked by the types a file uses, not only by its usings.
    /// </summary>
    private static readonly string[] s_pureFolders = ["Btf", "Elf", "Objects", "Polyfills"];

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
        var sources = Sources().ToList();
        var kernelTypes = KernelFacingTypes(sources);
        var offenders = sources
            .Where(f => IsPure(f.Relative) && !s_pureExceptions.Contains(f.Relative))
            .SelectMany(f => KernelFacing().Matches(f.Text).Select(m => $"{f.Relative}: {m.Value}")
                .Concat(TypesUsed(f.Text).Where(kernelTypes.Contains).Select(type => $"{f.Relative}: uses {type}")))
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
        var kernelTypes = KernelFacingTypes(sources);
        Assert.Contains("BpfMap", kernelTypes);
        Assert.Contains("BpfObject", kernelTypes);
        Assert.DoesNotContain("BpfObjectSpec", kernelTypes);
        Assert.Contains("BpfMap", TypesUsed("BpfMap map = Open();"));
        Assert.Contains("BpfProgram", TypesUsed("var p = new BpfProgram(fd);"));
        Assert.Contains("BpfObject", TypesUsed("return BpfObject.Load(this, options);"));
        Assert.DoesNotContain("BpfMap", TypesUsed("// a comment naming BpfMap.Update\nthrow Error(\"use BpfMap.Update\");"));
        Assert.Contains(sources, f => f.Relative == "Objects/BpfObjectSpec.cs");
    }

    private static bool IsPure(string relative) =>
        s_pureFolders.Any(folder => relative.StartsWith(folder + "/", StringComparison.Ordinal));

    /// <summary>
    /// The types declared only outside the pure folders (a partial type with a part in Objects/, like
    /// BpfObjectSpec whose Load is the runtime's, counts as pure).
    /// </summary>
    private static HashSet<string> KernelFacingTypes(IReadOnlyList<(string Relative, string Text)> sources)
    {
        var pure = sources.Where(f => IsPure(f.Relative)).SelectMany(f => TypesDeclared(f.Text)).ToHashSet(StringComparer.Ordinal);
        return sources.Where(f => !IsPure(f.Relative)).SelectMany(f => TypesDeclared(f.Text))
            .Where(type => !pure.Contains(type)).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> TypesDeclared(string text) =>
        TypeDeclaration().Matches(Code(text)).Select(m => m.Groups[1].Value);

    /// <summary>
    /// Names used as types: before a member access, a type argument list, an array, a declared
    /// variable, parameter or property, or after `new`. Member names (`Map.Pinning`) are not types.
    /// </summary>
    private static IEnumerable<string> TypesUsed(string text) =>
        TypeUse().Matches(Code(text)).Select(m => m.Groups["type"].Success ? m.Groups["type"].Value : m.Groups["created"].Value);

    /// <summary>The text without comments and string and character literals, whose words are no code.</summary>
    private static string Code(string text) => CommentOrLiteral().Replace(text, " ");

    [GeneratedRegex(@"\b(?:class|struct|record|enum|interface)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?<![.\w])(?<type>[A-Z]\w*)(?=\s*\.|\s*<|\??\s+[A-Za-z_]\w*\s*(?:[;=,){]|=>)|\[\])|(?<=\bnew\s+)(?<created>[A-Z]\w*)")]
    private static partial Regex TypeUse();

    [GeneratedRegex(@"//[^\n]*|/\*[\s\S]*?\*/|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)*'")]
    private static partial Regex CommentOrLiteral();

    private static IEnumerable<(string Relative, string Text)> Sources() =>
        Directory.EnumerateFiles(s_runtime, "*.cs", SearchOption.AllDirectories)
            .Select(path => (Relative: Path.GetRelativePath(s_runtime, path).Replace('\\', '/'), Path: path))
            .Where(f => !f.Relative.StartsWith("obj/", StringComparison.Ordinal) && !f.Relative.StartsWith("bin/", StringComparison.Ordinal))
            .Select(f => (f.Relative, File.ReadAllText(f.Path)));

    /// <summary>The raw syscall and the untyped bpf(2) entry points.</summary>
    [GeneratedRegex(@"\bBpf\.(Call|TryCall|CallForFd)\s*[<(]|\bBpfCommand\.\w+|\bLibc\.Syscall\b|\bSyscallNumbers\.\w+|\bBpfSyscallHook\b")]
    private static partial Regex SyscallUse();

    /// <summary>
    /// Namespaces and types that reach the kernel. Nectar.Maps and Nectar.Programs are shared: the pure
    /// specs (MapSpec, BpfObjectSpec) live there beside the live objects, which TypesUsed catches.
    /// </summary>
    [GeneratedRegex(@"\busing\s+Nectar\.(Interop|Links|Events)\s*;|\bNectar\.(Interop|Links|Events)\.\w+|\b(Libc|Bpf|BpfFileDescriptor)\.\w+|\b(LibraryImport|DllImport)\b")]
    private static partial Regex KernelFacing();
}
