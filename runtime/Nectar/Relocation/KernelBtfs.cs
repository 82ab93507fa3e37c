using Nectar.Programs;

namespace Nectar.Relocation;

/// <summary>
/// The running kernel's BTF for CO-RE: vmlinux, then each loaded module's split BTF
/// (/sys/kernel/btf/MODULE), read once, only when a relocation finds nothing in vmlinux.
/// </summary>
internal static class KernelBtfs
{
    private const string Directory = "/sys/kernel/btf";
    private static readonly Lazy<IReadOnlyList<Btf.Btf>> s_modules = new(ReadModules);

    /// <summary>vmlinux first; the modules are read lazily when the enumeration gets to them.</summary>
    internal static IEnumerable<Btf.Btf> All()
    {
        yield return VmlinuxBtf.Instance;
        foreach (var module in s_modules.Value)
            yield return module;
    }

    private static IReadOnlyList<Btf.Btf> ReadModules()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.EnumerateFiles(Directory)
            .Where(path => Path.GetFileName(path) != "vmlinux")
            .Order(StringComparer.Ordinal)
            .Select(path => Btf.Btf.Load(path, VmlinuxBtf.Instance))
            .ToList();
    }
}
