using Nectar.Btf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// A kernel test of programs that call kfuncs: skipped, with the reason, on kernels whose BTF does
/// not have one of them (bpf_task_from_pid and bpf_rcu_read_lock arrived in Linux 6.2; Debian's
/// 6.1 has neither), even under NECTAR_REQUIRE_KERNEL=1, since that is the kernel's version, not
/// a missing privilege. <see cref="Bpftool"/> marks a test that also runs bpftool.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KfuncFactAttribute : FactAttribute
{
    public KfuncFactAttribute(params string[] kfuncs)
    {
        if (KernelRequirement.SkipReason is { } reason)
            Skip = reason;
        else if (KernelSupport.IsAvailable && Kfuncs.WhyMissing(kfuncs) is { } missing)
            Skip = missing;
    }

    /// <summary>The test runs bpftool too: skipped where it is not installed, as with [BpftoolFact].</summary>
    public bool Bpftool
    {
        get => _bpftool;
        set
        {
            _bpftool = value;
            if (value && Skip is null && !KernelRequirement.Required && !Testing.Bpftool.IsInstalled)
                Skip = "bpftool is not installed (apt-get install bpftool); CI installs it.";
        }
    }

    private bool _bpftool;
}

/// <summary>Whether the running kernel's BTF declares kfuncs (as the loader looks them up: FUNC by name).</summary>
public static class Kfuncs
{
    /// <summary>Null when the kernel has every one of <paramref name="names"/>; otherwise which it lacks.</summary>
    public static string? WhyMissing(params string[] names)
    {
        string[] missing = [.. names.Where(name => VmlinuxBtf.Instance.FindByName(name, BtfKind.Func) is null)];
        return missing.Length == 0 ? null
            : $"this kernel ({File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}) has no kfunc {string.Join(", ", missing)} in its BTF (/sys/kernel/btf/vmlinux)";
    }
}
