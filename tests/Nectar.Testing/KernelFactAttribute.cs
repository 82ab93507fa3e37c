namespace Nectar.Testing;

/// <summary>
/// A test that needs a real BPF-capable kernel. Where BPF is not usable (not root, no BTF, bpf()
/// refused) it is skipped with the reason; under NECTAR_REQUIRE_KERNEL=1 (set by CI) it runs
/// anyway, and <see cref="KernelRequirement.Ensure"/> at its start fails it with that reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelRequirement.SkipReason is { } reason)
            Skip = reason;
    }
}

/// <summary>The data-driven twin of <see cref="KernelFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (KernelRequirement.SkipReason is { } reason)
            Skip = reason;
    }
}
