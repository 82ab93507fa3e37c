using Nectar.Testing;

namespace Nectar.Package.Tests;

/// <summary>Runs the dotnet CLI for a test, as a user would, without build servers left behind.</summary>
internal static class DotnetCli
{
    /// <summary>The repository checkout the tests run from.</summary>
    public static readonly string Root = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));

    /// <summary>The configuration this test assembly was built in (the runtime and generator next to it are too).</summary>
    public static readonly string Configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Runs dotnet and fails the test, with everything it printed, when it fails.</summary>
    public static Processes.Result Run(string directory, params string[] arguments)
    {
        var result = TryRun(directory, arguments);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
        return result;
    }

    /// <summary>Runs dotnet and returns what happened, for tests that expect it to fail.</summary>
    public static Processes.Result TryRun(string directory, params string[] arguments)
    {
        string host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        string[] quiet = arguments[0] is "pack" or "build" or "run" ? ["-nodeReuse:false", "--disable-build-servers", "-p:NuGetAudit=false"] : [];
        return Processes.Run(host, [.. arguments, .. quiet], directory, TimeSpan.FromMinutes(4));
    }
}
