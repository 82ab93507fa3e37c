namespace Nectar.Testing;

/// <summary>Runs the built `nectar` (Nectar.Tool.dll, copied next to the tests that reference the tool project) as a user runs it: a separate process.</summary>
public static class NectarCli
{
    public static Processes.Result Run(params string[] arguments) =>
        Processes.Run(DotnetHost, [Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"), .. arguments]);

    /// <summary>The dotnet host running these tests (PATH may not have one, as under sudo).</summary>
    public static string DotnetHost => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
