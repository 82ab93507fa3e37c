namespace Nectar.Package.Tests;

/// <summary>A throwaway project's nuget.config: this test's packs first, offline.</summary>
internal static class LocalFeed
{
    /// <summary>
    /// The local feed first; the machine's package cache as a second local source for the packages'
    /// own dependencies (offline). A fresh packages folder, so the build uses this pack only.
    /// </summary>
    public static void WriteNugetConfig(string project, string feed, string packagesFolder)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration>
              <config><add key="globalPackagesFolder" value="{packagesFolder}" /></config>
              <packageSources>
                <clear />
                <add key="feed" value="{feed}" />
                <add key="cache" value="{cache}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }
}
