namespace Nectar.Testing;

/// <summary>
/// A test that uses bpftool as an oracle. Skipped, saying so, where bpftool is not installed;
/// under NECTAR_REQUIRE_KERNEL=1 (CI) it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BpftoolFactAttribute : FactAttribute
{
    public BpftoolFactAttribute()
    {
        if (!KernelRequirement.Required && !Bpftool.IsInstalled)
            Skip = "bpftool is not installed (apt-get install bpftool); CI installs it.";
    }
}

/// <summary>Where bpftool is, and a way to run it.</summary>
public static class Bpftool
{
    public const string Command = "bpftool";

    public static bool IsInstalled => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, Command)));

    /// <summary>Runs bpftool and returns what it printed; fails the test when it exits non-zero.</summary>
    public static string Run(params string[] arguments)
    {
        var result = Processes.Run(Command, arguments);
        Assert.True(result.ExitCode == 0, $"bpftool {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }
}
