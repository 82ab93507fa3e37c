namespace Nectar.Testing;

/// <summary>
/// A test that reads the running kernel's BTF (/sys/kernel/btf/vmlinux) but loads nothing, so it
/// needs no privilege. Skipped, saying so, on a kernel without BTF; under NECTAR_REQUIRE_KERNEL=1 it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelBtfFactAttribute : FactAttribute
{
    public const string Path = "/sys/kernel/btf/vmlinux";

    public KernelBtfFactAttribute()
    {
        if (!MachineEnvironment.Instance.KernelRequired && !File.Exists(Path))
            Skip = $"{Path} is missing: this kernel was built without CONFIG_DEBUG_INFO_BTF.";
    }
}
