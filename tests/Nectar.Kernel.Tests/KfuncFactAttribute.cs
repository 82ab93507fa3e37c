using Nectar.Btf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// A kernel test of programs that call kfuncs: skipped, with the reason, on kernels whose BTF does
/// not have one of them (bpf_task_from_pid and bpf_rcu_read_lock arrived in Linux 6.2; Debian's
/// 6.1 has neither), even under NECTAR_REQUIRE_KERNEL=1, since that is the kernel's version, not
/// a missing privilege.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KfuncFactAttribute(params string[] kfuncs) : KernelFactAttribute
{
    public override TestRequirements Requirements => base.Requirements with
    {
        KernelRefusal = () => Kfuncs.WhyMissing(kfuncs),
    };
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
