namespace Nectar.Tests;

/// <summary>
/// Loading has its own folder: Loader/ turns a BpfObjectSpec into kernel objects (maps, BTF, patched
/// and loaded programs) and Programs/ holds what loading gives back (BpfObject, BpfProgram). The
/// dependency points one way: Loader/ uses Programs/, Programs/ uses none of the loader's steps, so
/// following an object from disk to events visits Programs/ once.
/// </summary>
public partial class ArchitectureTests
{
    [Fact]
    public void Programs_uses_none_of_the_loaders_steps()
    {
        var sources = Sources().ToList();
        var loaderTypes = TypesDeclaredOnlyIn(sources, "Loader/");
        var offenders = sources
            .Where(f => f.Relative.StartsWith("Programs/", StringComparison.Ordinal))
            .SelectMany(f => TypesUsed(f.Text).Where(loaderTypes.Contains).Distinct().Select(type => $"{f.Relative}: uses {type}"))
            .ToList();

        Assert.True(offenders.Count == 0,
            "Programs/ holds the loaded object and programs; the steps of loading (map creation, BTF, externs, the load request) are Loader/'s " +
            "and Programs/ does not call back into them:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_loader_scan_sees_the_loaders_steps()
    {
        var loaderTypes = TypesDeclaredOnlyIn(Sources().ToList(), "Loader/");
        Assert.Contains("MapCreator", loaderTypes);
        Assert.Contains("ProgramLoadRequest", loaderTypes);
        Assert.Contains("ExternPatcher", loaderTypes);
        // Partial types with a part in Programs/ (BpfObject, BpfProgram) are not the loader's own.
        Assert.DoesNotContain("BpfObject", loaderTypes);
        Assert.DoesNotContain("BpfProgram", loaderTypes);
        Assert.Contains("MapCreator", TypesUsed("var map = MapCreator.Create(spec, pins, btf, 0, out bool reused);"));
    }

    private static HashSet<string> TypesDeclaredOnlyIn(IReadOnlyList<(string Relative, string Text)> sources, string folder)
    {
        var elsewhere = sources.Where(f => !f.Relative.StartsWith(folder, StringComparison.Ordinal)).SelectMany(f => TypesDeclared(f.Text)).ToHashSet(StringComparer.Ordinal);
        return sources.Where(f => f.Relative.StartsWith(folder, StringComparison.Ordinal)).SelectMany(f => TypesDeclared(f.Text))
            .Where(type => !elsewhere.Contains(type)).ToHashSet(StringComparer.Ordinal);
    }
}
