namespace Nectar.Testing;

/// <summary>A theory that compiles BPF C with clang-16; skipped like <see cref="ClangFactAttribute"/> where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClangTheoryAttribute : TheoryAttribute
{
    public ClangTheoryAttribute()
    {
        if (!KernelRequirement.Required && !Clang.IsInstalled)
            Skip = "clang-16 is not installed (apt-get install clang-16 llvm-16); CI installs it.";
    }
}
