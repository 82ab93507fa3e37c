using System.IO.Compression;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Package.Tests;

/// <summary>
/// `dotnet pack` makes the runtime package (generator inside, MSBuild glue, BPF headers) and the
/// tool package; a throwaway project that references the runtime package from a local folder
/// uses the generator and the BpfProgram build, and builds with zero warnings.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string Root = DotnetCli.Root;
    private static readonly string Configuration = DotnetCli.Configuration;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nectar-package-").FullName;

    [Fact]
    public void A_project_referencing_the_packed_runtime_uses_the_generator_and_builds_with_zero_warnings()
    {
        string feed = Path.Combine(_scratch, "feed");
        Dotnet(Root, "pack", "runtime/Nectar/Nectar.csproj", "-c", Configuration, "-o", feed);
        Dotnet(Root, "pack", "tools/Nectar.Tool/Nectar.Tool.csproj", "-c", Configuration, "-o", feed);

        // Every pack is a new version (0.1.0-dev.<time>), so a project never gets a stale copy from the NuGet cache.
        string runtimePackage = Assert.Single(Directory.GetFiles(feed, "Nectar.0.1.0-dev.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(runtimePackage)["Nectar.".Length..];
        Assert.Matches(@"^0\.1\.0-dev\.\d{14}$", version);
        var runtimeEntries = Entries(runtimePackage);
        Assert.Contains("lib/net10.0/Nectar.dll", runtimeEntries);
        Assert.Contains("analyzers/dotnet/cs/Nectar.Generator.dll", runtimeEntries);
        Assert.Contains("build/Nectar.props", runtimeEntries);
        Assert.Contains("build/Nectar.targets", runtimeEntries);
        Assert.Contains("bpf/include/vmlinux.h", runtimeEntries);
        Assert.Contains("bpf/include/nectar_log.h", runtimeEntries);
        Assert.Contains("bpf/build.sh", runtimeEntries);
        Assert.Contains("bpf/compile.sh", runtimeEntries);
        string toolPackage = Assert.Single(Directory.GetFiles(feed, "Nectar.Tool.0.1.0-dev.*.nupkg"));
        string toolVersion = Path.GetFileNameWithoutExtension(toolPackage)["Nectar.Tool.".Length..];
        var toolEntries = Entries(toolPackage);
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", toolEntries);
        Assert.Contains("tools/net10.0/any/Nectar.Tool.dll", toolEntries);

        string app = WriteThrowawayProject(feed);
        var build = Dotnet(app, "build", "-c", "Debug");
        Assert.Contains(" 0 Warning(s)", build.Output);

        // The generated struct has the kernel's size, read from the BTF the project named.
        var run = Dotnet(app, "bin/Debug/net10.0/app.dll");
        Assert.Equal($"task_struct {Fixtures.VmlinuxBtf.FindByName("task_struct", BtfKind.Struct)!.Value.Size}", run.Output.Trim());

        // The tool package installs as the `nectar` command.
        string tools = Path.Combine(_scratch, "tools");
        Dotnet(app, "tool", "install", "Nectar.Tool", "--version", toolVersion, "--tool-path", tools);
        var help = Processes.Run(Path.Combine(tools, "nectar"), ["--help"], app);
        Assert.True(help.ExitCode == 0, help.Output + help.Error);
        Assert.Contains("trace", help.Output);

        // The package's build targets compiled the BpfProgram item and copied it to the output.
        if (Clang.IsInstalled || Oracles.Required)
        {
            byte[] probe = File.ReadAllBytes(Path.Combine(app, "bin/Debug/net10.0/bpf/probe.bpf.o"));
            Assert.Equal("\u007fELF"u8.ToArray(), probe[..4]);
        }
    }

    private string WriteThrowawayProject(string feed)
    {
        string app = Path.Combine(_scratch, "app");
        Directory.CreateDirectory(app);
        File.WriteAllBytes(Path.Combine(app, "vmlinux.btf"), Fixtures.VmlinuxBtfBytes);
        LocalFeed.WriteNugetConfig(app, feed, Path.Combine(_scratch, "packages"));
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NectarBtf>vmlinux.btf</NectarBtf>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Nectar" Version="0.1.0-*" />
              </ItemGroup>
              <ItemGroup Condition="'{(Clang.IsInstalled || Oracles.Required).ToString().ToLowerInvariant()}' == 'true'">
                <BpfProgram Include="probe.bpf.c" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            [assembly: Nectar.KernelType("task_struct")]
            Console.WriteLine($"{Nectar.Kernel.TaskStruct.BtfName} {System.Runtime.CompilerServices.Unsafe.SizeOf<Nectar.Kernel.TaskStruct>()}");
            """);
        File.WriteAllText(Path.Combine(app, "probe.bpf.c"), """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include "nectar_ring.h"

            struct probe_event { __u32 pid; };
            struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
            NECTAR_RING_RECORD(events, struct probe_event);

            SEC("raw_tp/sys_enter")
            int probe(void *ctx) { return 0; }

            char LICENSE[] SEC("license") = "GPL";
            """);
        return app;
    }

    private static HashSet<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    }

    private static Processes.Result Dotnet(string directory, params string[] arguments) => DotnetCli.Run(directory, arguments);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
