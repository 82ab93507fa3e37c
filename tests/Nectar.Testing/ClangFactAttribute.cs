namespace Nectar.Testing;

/// <summary>
/// A test that compiles BPF C with the pinned compiler (clang-16). Skipped, saying so, where
/// clang-16 is not installed; under NECTAR_REQUIRE_KERNEL=1 (CI, which installs it) it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClangFactAttribute : FactAttribute
{
    public ClangFactAttribute()
    {
        if (!KernelRequirement.Required && !Clang.IsInstalled)
            Skip = "clang-16 is not installed (apt-get install clang-16 llvm-16); CI installs it.";
    }
}

/// <summary>Where the pinned BPF compiler is.</summary>
public static class Clang
{
    public const string Command = "clang-16";

    public static bool IsInstalled => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, Command)));
}
