using System.Collections;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// The kernel BTF that CO-RE relocates against: vmlinux first, then the BTF of each loaded module
/// (split BTF over vmlinux). Modules are parsed only when a relocation's type is missing from
/// vmlinux and the candidate search reaches them, so the common case reads vmlinux alone.
/// </summary>
public sealed class CoreTargets : IReadOnlyList<Btf>
{
    /// <summary>Where the running kernel publishes its BTF: vmlinux and one file per module.</summary>
    public const string KernelBtfDirectory = "/sys/kernel/btf";

    private readonly Btf _vmlinux;
    private readonly Lazy<Btf>[] _modules;

    private CoreTargets(Btf vmlinux, IReadOnlyList<string> modulePaths)
    {
        _vmlinux = vmlinux;
        _modules = modulePaths.Select(path => new Lazy<Btf>(() => Btf.Load(path, vmlinux))).ToArray();
        ModulePaths = modulePaths;
    }

    /// <summary>The module BTF files, in name order (searched in that order, after vmlinux).</summary>
    public IReadOnlyList<string> ModulePaths { get; }

    /// <summary>One kernel's types and no modules (BpfLoadOptions.KernelBtf).</summary>
    public static CoreTargets Only(Btf vmlinux)
    {
        ArgumentNullException.ThrowIfNull(vmlinux);
        return new CoreTargets(vmlinux, []);
    }

    /// <summary>vmlinux and every module BTF file in <paramref name="directory"/> (every file but "vmlinux").</summary>
    public static CoreTargets FromDirectory(string directory, Btf vmlinux)
    {
        ArgumentNullException.ThrowIfNull(vmlinux);
        var modules = Directory.Exists(directory)
            ? Directory.GetFiles(directory).Where(p => Path.GetFileName(p) != "vmlinux").Order(StringComparer.Ordinal).ToArray()
            : [];
        return new CoreTargets(vmlinux, modules);
    }

    /// <summary>The running kernel's targets (/sys/kernel/btf), over an already parsed vmlinux BTF.</summary>
    public static CoreTargets RunningKernel(Btf vmlinux) => FromDirectory(KernelBtfDirectory, vmlinux);

    public int Count => 1 + _modules.Length;

    public Btf this[int index] => index == 0 ? _vmlinux : _modules[index - 1].Value;

    /// <summary>How many module BTF files have been parsed so far.</summary>
    public int LoadedModuleCount => _modules.Count(m => m.IsValueCreated);

    public IEnumerator<Btf> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
