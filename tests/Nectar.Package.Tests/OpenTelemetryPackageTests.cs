using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Nectar.Package.Tests;

/// <summary>
/// `dotnet pack` of Nectar.OpenTelemetry, next to the runtime package: its assembly, its
/// dependencies (Nectar of the same version, the OpenTelemetry API), and a throwaway project that
/// references it with the OpenTelemetry SDK builds with zero warnings and runs.
/// </summary>
public sealed class OpenTelemetryPackageTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nectar-otel-package-").FullName;

    [Fact]
    public void The_OpenTelemetry_package_packs_with_the_runtime_and_a_project_uses_it()
    {
        string feed = Path.Combine(_scratch, "feed");
        DotnetCli.Run(DotnetCli.Root, "pack", "runtime/Nectar/Nectar.csproj", "-c", DotnetCli.Configuration, "-o", feed);
        string runtimePackage = Assert.Single(Directory.GetFiles(feed, "Nectar.0.1.0-dev.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(runtimePackage)["Nectar.".Length..];
        // The same stamp, so that its dependency on Nectar names the package just made.
        DotnetCli.Run(DotnetCli.Root, "pack", "runtime/Nectar.OpenTelemetry/Nectar.OpenTelemetry.csproj", "-c", DotnetCli.Configuration, "-o", feed,
            $"-p:VersionSuffix={version["0.1.0-".Length..]}");

        string package = Assert.Single(Directory.GetFiles(feed, "Nectar.OpenTelemetry.*.nupkg"));
        Assert.Equal($"Nectar.OpenTelemetry.{version}.nupkg", Path.GetFileName(package));
        using var zip = ZipFile.OpenRead(package);
        Assert.Contains("lib/net10.0/Nectar.OpenTelemetry.dll", zip.Entries.Select(e => e.FullName));
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string manifest = nuspec.ReadToEnd();
        Assert.Matches($"""<dependency id="Nectar" version="{Regex.Escape(version)}" """, manifest);
        Assert.Matches("""<dependency id="OpenTelemetry.Api" version="1\.21\.0" """, manifest);
        Assert.DoesNotContain("""id="OpenTelemetry" """, manifest); // the SDK is the application's choice

        string app = Path.Combine(_scratch, "app");
        Directory.CreateDirectory(app);
        LocalFeed.WriteNugetConfig(app, feed, Path.Combine(_scratch, "packages"));
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Nectar.OpenTelemetry" Version="0.1.0-*" />
                <PackageReference Include="OpenTelemetry" Version="1.21.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Nectar.OpenTelemetry;
            using OpenTelemetry;
            using OpenTelemetry.Metrics;

            using var metrics = new BpfMetrics();
            using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(BpfMetrics.MeterName).Build();
            Console.WriteLine($"{BpfMetrics.MeterName} every {metrics.HistogramInterval.TotalSeconds} s");
            """);
        var build = DotnetCli.Run(app, "build", "-c", "Debug");
        Assert.Contains(" 0 Warning(s)", build.Output);
        Assert.Equal("Nectar.Bpf every 1 s", DotnetCli.Run(app, "bin/Debug/net10.0/app.dll").Output.Trim());
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
