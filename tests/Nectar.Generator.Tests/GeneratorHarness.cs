extern alias gen;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>Runs the generator in memory over C# sources, a BTF path and additional files, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray());

    public static MetadataReference NectarRuntime { get; } = MetadataReference.CreateFromFile(typeof(Nectar.KernelPtr).Assembly.Location);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(IEnumerable<string> sources, bool withRuntime = true) =>
        CSharpCompilation.Create("Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/src/File{i}.cs")),
            withRuntime ? s_framework.Value.Add(NectarRuntime) : s_framework.Value,
            // Warning level 9999, as the .NET SDK builds: every warning wave (CS8981 lower-case type names...) is on.
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: false, warningLevel: 9999));

    /// <param name="properties">More build properties the generator sees (build_property.NAME), by NAME.</param>
    public static GeneratorDriver Driver(string? btfPath, IEnumerable<string>? additionalFiles = null, IReadOnlyDictionary<string, string>? properties = null) =>
        CSharpGeneratorDriver.Create(
            [new gen::Nectar.Generator.NectarGenerator().AsSourceGenerator()],
            (additionalFiles ?? []).Select(p => (AdditionalText)new FileText(p)),
            ParseOptions,
            new Options(btfPath, properties),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The decompressed vmlinux fixture on disk, as a build would name it.</summary>
    public static string VmlinuxPath => Fixtures.VmlinuxBtfPath;

    public static (Compilation Output, ImmutableArray<Diagnostic> Generator, GeneratorDriver Driver) Run(
        IEnumerable<string> sources, string? btfPath, IEnumerable<string>? additionalFiles = null, bool withRuntime = true,
        IReadOnlyDictionary<string, string>? properties = null)
    {
        GeneratorDriver driver = Driver(btfPath, additionalFiles, properties)
            .RunGeneratorsAndUpdateCompilation(Compilation(sources, withRuntime), out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (output, diagnostics, driver);
    }

    /// <summary>Generated text by hint name ("Nectar.Kernel.TaskStruct.g.cs").</summary>
    public static string Generated(GeneratorDriver driver, string hintName) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    public static ImmutableArray<string> HintNames(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal).ToImmutableArray();

    /// <summary>Compiler diagnostics of the output at warning level or above (generated code must have none).</summary>
    public static ImmutableArray<Diagnostic> Problems(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }

    private sealed class Options(string? btfPath, IReadOnlyDictionary<string, string>? properties) : AnalyzerConfigOptionsProvider
    {
        private readonly Global _global = new(btfPath, properties);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Global.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Global.Empty;

        private sealed class Global(string? btfPath, IReadOnlyDictionary<string, string>? properties) : AnalyzerConfigOptions
        {
            public static readonly Global Empty = new(null, null);

            public override bool TryGetValue(string key, out string value)
            {
                const string prefix = "build_property.";
                if (key == prefix + "NectarBtf" && btfPath != null)
                {
                    value = btfPath;
                    return true;
                }
                if (key.StartsWith(prefix, StringComparison.Ordinal) && properties != null && properties.TryGetValue(key[prefix.Length..], out string? found))
                {
                    value = found;
                    return true;
                }
                value = "";
                return false;
            }
        }
    }
}
