using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>
/// Every ```csharp block of README.md compiles, with the generator running, as a new console
/// project would compile it: implicit usings only, so each block brings the usings it needs. A block
/// is a Program.cs of its own unless an HTML comment just before it gives its context, C# with a
/// {snippet} placeholder (for fragments that use variables the text describes).
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));

    // What `dotnet new console` gives (ImplicitUsings).
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static TheoryData<int> Blocks() => new(Enumerable.Range(0, Snippets().Count));

    [Fact]
    public void The_readme_has_csharp_blocks_to_compile() => Assert.True(Snippets().Count >= 4, $"found {Snippets().Count} csharp blocks");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_readme_csharp_block_compiles(int index)
    {
        (int line, string source) = Snippets()[index];
        SyntaxTree program = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "/src/Program.cs");
        // Top-level statements make a program; a block of declarations only is a library.
        bool statements = program.GetRoot().ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create("ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, GeneratorHarness.ParseOptions, path: "/src/Usings.cs"), program],
            References.Value,
            new CSharpCompilationOptions(statements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        var properties = new Dictionary<string, string> { ["MSBuildProjectDirectory"] = Root };
        GeneratorDriver driver = GeneratorHarness.Driver(GeneratorHarness.VmlinuxPath, [Fixtures.PathOf("trace-headers/sched.h")], properties)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        var errors = generatorDiagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"README.md line {line}: the csharp block does not compile:\n{string.Join('\n', errors)}\n\n{source}");
    }

    // (line of the block's fence, the compilation unit) per ```csharp block, in order.
    private static List<(int Line, string Source)> Snippets()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        var snippets = new List<(int, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            string block = string.Join('\n', lines[(i + 1)..end]);
            string? context = ContextBefore(lines, i);
            snippets.Add((i + 1, context == null ? block : context.Replace("{snippet}", block, StringComparison.Ordinal)));
            i = end;
        }
        return snippets;
    }

    // The "<!-- snippet context ...: C# -->" comment that ends on the line before the fence, if any.
    private static string? ContextBefore(string[] lines, int fence)
    {
        if (fence == 0 || lines[fence - 1].Trim() != "-->") return null;
        int start = Array.FindLastIndex(lines, fence - 1, l => l.TrimStart().StartsWith("<!--", StringComparison.Ordinal));
        if (start < 0 || !ContextComment().IsMatch(lines[start])) return null;
        return string.Join('\n', lines[(start + 1)..(fence - 1)]);
    }

    [GeneratedRegex(@"^\s*<!-- snippet context\b")]
    private static partial Regex ContextComment();

    // The framework, the runtime, the logging packages next to this test (as the package's dependencies), and Nectar.OpenTelemetry with the OpenTelemetry API.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"
                || f.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || f == "Microsoft.Win32.Primitives.dll"
                || f.StartsWith("OpenTelemetry", StringComparison.Ordinal) || f == "Nectar.OpenTelemetry.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(GeneratorHarness.NectarRuntime)
            .ToImmutableArray());
}
