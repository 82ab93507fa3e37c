using System.Diagnostics;
using System.Text.RegularExpressions;
using Nectar.Testing;
using Xunit.Abstractions;

namespace Nectar.Package.Tests;

/// <summary>
/// A user's project with two &lt;BpfProgram&gt; items, each including a header of its own, and a
/// skeleton of each named by bare file name, built with `dotnet build` against this repository's
/// build files (build/Nectar.Bpf.targets, the generator's props) as a package would import them:
/// the builds are incremental and correct (an edited header recompiles its program only, and the
/// C# follows the object's new layout), and a broken program or a missing compiler fails the build
/// with MSBuild diagnostics that point into the user's project.
/// </summary>
public sealed partial class BpfBuildTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _app = Directory.CreateTempSubdirectory("nectar-bpfbuild-").FullName;

    [OracleFact(Oracle.Clang)]
    public void Builds_compile_each_program_when_it_or_a_header_it_includes_changed_and_the_skeleton_follows_the_object()
    {
        WriteProject(["first", "second"]);

        var first = Timed("first build", () => Build());
        Assert.Equal(["bpf/first.bpf.c", "bpf/second.bpf.c"], Compiled(first));
        Assert.Equal("first 4 second 8", Run());

        // [BpfObject("second.bpf.o", Embed = true)]: Open() reads the object from the assembly, not bpf/.
        File.Delete(Path.Combine(_app, "bin/Debug/net10.0/bpf/second.bpf.o"));
        Assert.Equal("embedded second_probe", DotnetCli.Run(_app, "bin/Debug/net10.0/app.dll", "embedded").Output.Trim());

        // No change: no BPF step, the objects untouched.
        DateTime firstObject = File.GetLastWriteTimeUtc(Path.Combine(_app, "bpf/first.bpf.o"));
        var again = Timed("no-change rebuild", () => Build());
        Assert.Empty(Compiled(again));
        Assert.Equal(firstObject, File.GetLastWriteTimeUtc(Path.Combine(_app, "bpf/first.bpf.o")));

        // A header one program includes: that program only.
        Touch("bpf/second.h");
        Assert.Equal(["bpf/second.bpf.c"], Compiled(Build()));

        // A field added to the event: the object, then the C# (the skeleton's struct grows).
        File.WriteAllText(Path.Combine(_app, "bpf/first.h"), "struct first_event { __u32 pid; __u64 added; };\n");
        Touch("bpf/first.h");
        Assert.Equal(["bpf/first.bpf.c"], Compiled(Build()));
        Assert.Equal("first 16 second 8", Run());
    }

    [OracleFact(Oracle.Clang)]
    public void A_C_error_is_an_MSBuild_error_at_the_users_file_and_line_with_clangs_caret()
    {
        WriteProject(["first"]);
        string source = Path.Combine(_app, "bpf/first.bpf.c");
        File.WriteAllText(source, File.ReadAllText(source).Replace("return 0; }", "return 0 + ; }"));

        var build = DotnetCli.TryRun(_app, "build");
        string text = build.Output + build.Error;
        Assert.NotEqual(0, build.ExitCode);
        string broken = File.ReadAllLines(source)[7];
        int column = broken.IndexOf(" ; }", StringComparison.Ordinal) + 2;   // 1-based: where the expression should be
        Assert.Contains($"{source}(8,{column}): error clang: expected expression", text);
        Assert.Contains("^", text);                                   // clang's caret line, shown
        Assert.DoesNotMatch(@"error G[0-9A-F]{8}:", text);            // no code made up by MSBuild
        Assert.All(text.Split('\n').Where(l => l.Contains("error clang", StringComparison.Ordinal)), l => Assert.StartsWith(source + "(", l.TrimStart()));
    }

    [OracleFact(Oracle.Clang)]
    public void A_missing_or_too_old_clang_fails_the_build_naming_NectarClang()
    {
        WriteProject(["first"]);

        var missing = DotnetCli.TryRun(_app, "build", "-p:NectarClang=/nonexistent/clang");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("error NECTAR100: the BPF compiler '/nonexistent/clang' (NectarClang) is not found", missing.Output);

        string old = Path.Combine(_app, "clang-14");
        File.WriteAllText(old, "#!/bin/sh\necho 'Debian clang version 14.0.6'\n");
        Assert.Equal(0, Processes.Run("chmod", ["+x", old]).ExitCode);
        var tooOld = DotnetCli.TryRun(_app, "build", $"-p:NectarClang={old}");
        Assert.NotEqual(0, tooOld.ExitCode);
        Assert.Contains("is clang 14, not clang 16 or newer", tooOld.Output);
        Assert.Contains("set NectarClang", tooOld.Output);
    }

    private Processes.Result Build() => DotnetCli.Run(_app, "build");

    private string Run() => DotnetCli.Run(_app, "bin/Debug/net10.0/app.dll").Output.Trim();

    private Processes.Result Timed(string what, Func<Processes.Result> action)
    {
        var clock = Stopwatch.StartNew();
        var result = action();
        output.WriteLine($"{what}: {clock.Elapsed.TotalSeconds:F2} s");
        return result;
    }

    // The programs whose compilation the build reported, in order.
    private static List<string> Compiled(Processes.Result build) =>
        CompiledLine().Matches(build.Output).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"Nectar: compiled (\S+) -> ")]
    private static partial Regex CompiledLine();

    // A later write time than anything the last build made, whatever the file system's granularity.
    private void Touch(string file) => File.SetLastWriteTimeUtc(Path.Combine(_app, file), DateTime.UtcNow.AddSeconds(2));

    private void WriteProject(string[] programs)
    {
        string root = DotnetCli.Root;
        string configuration = DotnetCli.Configuration;
        Directory.CreateDirectory(Path.Combine(_app, "bpf"));
        File.WriteAllText(Path.Combine(_app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{root}/generator/Nectar.Generator/build/Nectar.Generator.props" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                {string.Concat(programs.Select(p => $"<BpfProgram Include=\"bpf/{p}.bpf.c\" />"))}
                <Reference Include="{root}/runtime/Nectar/bin/{configuration}/net10.0/Nectar.dll" />
                <Analyzer Include="{root}/generator/Nectar.Generator/bin/{configuration}/netstandard2.0/Nectar.Generator.dll" />
              </ItemGroup>
              <Import Project="{root}/build/Nectar.Bpf.targets" />
            </Project>
            """);
        string[] eventTypes = ["__u32 pid;", "__u64 a;"];
        for (int i = 0; i < programs.Length; i++)
        {
            string name = programs[i];
            File.WriteAllText(Path.Combine(_app, $"bpf/{name}.h"), $"struct {name}_event {{ {eventTypes[i]} }};\n");
            File.WriteAllText(Path.Combine(_app, $"bpf/{name}.bpf.c"), $$"""
                #include "vmlinux.h"
                #include <bpf/bpf_helpers.h>
                #include "nectar_ring.h"
                #include "{{name}}.h"
                struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
                NECTAR_RING_RECORD(events, struct {{name}}_event);
                SEC("raw_tp/sys_enter")
                int {{name}}_probe(void *ctx) { return 0; }
                char LICENSE[] SEC("license") = "GPL";

                """);
        }
        // Bare file names: each names the object of its <BpfProgram> item. The second one is embedded.
        string Skeleton(string p) => $"[Nectar.BpfObject(\"{p}.bpf.o\"{(p == "second" ? ", Embed = true" : "")})] partial class {char.ToUpperInvariant(p[0])}{p[1..]} {{ }}\n";
        string embedded = programs.Contains("second")
            ? "if (args.Length > 0) { using var embedded = Second.Open(); Console.WriteLine(\"embedded \" + string.Join(\",\", embedded.Spec.Programs.Keys)); return; }\n"
            : "";
        string sizes = string.Join(" ", programs.Select(p => $"{p} {{System.Runtime.CompilerServices.Unsafe.SizeOf<{char.ToUpperInvariant(p[0])}{p[1..]}.{char.ToUpperInvariant(p[0])}{p[1..]}Event>()}}"));
        File.WriteAllText(Path.Combine(_app, "Program.cs"), embedded + $"Console.WriteLine($\"{sizes}\");\n" + string.Concat(programs.Select(Skeleton)));
    }

    public void Dispose() => Directory.Delete(_app, recursive: true);
}
