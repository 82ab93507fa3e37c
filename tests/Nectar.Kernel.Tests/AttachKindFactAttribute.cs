using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// A kernel test of one attach kind: skipped, with the reason, on kernels that cannot attach that
/// kind at all (no CONFIG_KPROBES, trampolines refused), even under NECTAR_REQUIRE_KERNEL=1, since
/// that is the kernel's build, not a missing privilege.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AttachKindTheoryAttribute : TheoryAttribute
{
    public AttachKindTheoryAttribute(AttachKind kind)
    {
        if (KernelRequirement.SkipReason is { } reason)
            Skip = reason;
        else if (KernelSupport.IsAvailable && AttachSupport.WhyUnavailable(kind) is { } missing)
            Skip = $"{kind} cannot be tested here: {missing}";
    }
}
