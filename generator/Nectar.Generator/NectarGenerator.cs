using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;
using Nectar.Generator.Pipeline;
using Nectar.Generator.Skeletons;
using Nectar.Generator.Tracepoints;

namespace Nectar.Generator
{
    /// <summary>
    /// Emits C# for kernel types and tracepoint arguments from BTF. The pipeline reads as
    /// inputs → equatable models → one emission step, so an edit that changes none of the inputs
    /// the emission depends on leaves it cached:
    /// <list type="bullet">
    /// <item>BtfPath/BtfStamp/Btf: build_property.NectarBtf → (path, size, write time) → parsed BTF (cached by stamp).</item>
    /// <item>KernelTypes, RawTracepoints, Tracepoints: the user's attributes.</item>
    /// <item>Prototypes (*.h) and Formats (…/&lt;system&gt;/&lt;event&gt;/format): AdditionalFiles.</item>
    /// <item>Request → Emission: Codegen, shared with <c>nectar codegen</c>.</item>
    /// <item>Skeletons → ObjectStamp → Object → SkeletonEmission: each [BpfObject] class, its object file's
    /// stamp, the object's parsed BTF (cached by stamp), its skeleton.</item>
    /// </list>
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NectarGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            context.RegisterPostInitializationOutput(post =>
            {
                post.AddEmbeddedAttributeDefinition();
                post.AddSource("Nectar.Attributes.g.cs", AttributeSource.Text);
            });

            IncrementalValueProvider<string?> btfPath = context.AnalyzerConfigOptionsProvider.Select((options, _) =>
            {
                options.GlobalOptions.TryGetValue("build_property.NectarBtf", out string? path);
                options.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out string? projectDirectory);
                if (string.IsNullOrWhiteSpace(path)) return null;
                return Path.IsPathRooted(path) || string.IsNullOrEmpty(projectDirectory) ? path : Path.Combine(projectDirectory, path);
            }).WithTrackingName(TrackingNames.BtfPath);

            // The stamp is taken on every compilation (a stat, no read) so that a rewritten BTF file is
            // noticed; while it is equal, everything downstream stays cached.
            IncrementalValueProvider<Loaded<Btf.Btf>> btf = btfPath.Combine(context.CompilationProvider)
                .Select((input, _) => BtfStamp.Of(input.Left)).WithTrackingName(TrackingNames.BtfStamp)
                .Select((stamp, _) => BtfCache.Load(stamp)).WithTrackingName(TrackingNames.Btf);

            // Each declaration step yields its requests with where they are; the requests go on to
            // emission without the locations (so moving a declaration re-runs nothing), the locations
            // go straight to reporting.
            IncrementalValueProvider<ImmutableArray<Located<EquatableArray<KernelTypeRequest>>>> kernelTypeDeclarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeSource.KernelType, (node, _) => node is CompilationUnitSyntax, Declarations.KernelTypes)
                .Collect();
            IncrementalValueProvider<EquatableArray<KernelTypeRequest>> kernelTypes = kernelTypeDeclarations
                .Select((all, _) => all.SelectMany(x => x.Value).ToEquatableArray())
                .WithTrackingName(TrackingNames.KernelTypes);

            IncrementalValueProvider<ImmutableArray<Located<TracepointDeclaration>>> rawDeclarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeSource.RawTracepoint, (node, _) => node is StructDeclarationSyntax,
                    (c, cancel) => Declarations.Tracepoint(c, raw: true, cancel))
                .Collect();
            IncrementalValueProvider<EquatableArray<TracepointDeclaration>> raw = rawDeclarations
                .Select((all, _) => all.Select(x => x.Value).ToEquatableArray()).WithTrackingName(TrackingNames.RawTracepoints);

            IncrementalValueProvider<ImmutableArray<Located<TracepointDeclaration>>> recordDeclarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeSource.Tracepoint, (node, _) => node is StructDeclarationSyntax,
                    (c, cancel) => Declarations.Tracepoint(c, raw: false, cancel))
                .Collect();
            IncrementalValueProvider<EquatableArray<TracepointDeclaration>> records = recordDeclarations
                .Select((all, _) => all.Select(x => x.Value).ToEquatableArray()).WithTrackingName(TrackingNames.Tracepoints);

            IncrementalValueProvider<EquatableArray<SourceLocation>> locations = kernelTypeDeclarations.Combine(rawDeclarations).Combine(recordDeclarations)
                .Select((all, _) => all.Left.Left.SelectMany(x => x.Locations)
                    .Concat(all.Left.Right.SelectMany(x => x.Locations))
                    .Concat(all.Right.SelectMany(x => x.Locations)).ToEquatableArray())
                .WithTrackingName(TrackingNames.Locations);

            IncrementalValueProvider<EquatableArray<TracepointPrototype>> prototypes = context.AdditionalTextsProvider
                .Where(file => file.Path.EndsWith(".h", StringComparison.OrdinalIgnoreCase))
                .Select((file, cancel) => (file.Path, Prototypes: TraceHeaderParser.Parse(file.GetText(cancel)?.ToString() ?? "").ToEquatableArray()))
                .Collect()
                .Select((all, _) => all.OrderBy(f => f.Path, StringComparer.Ordinal).SelectMany(f => f.Prototypes).ToEquatableArray())
                .WithTrackingName(TrackingNames.Prototypes);

            IncrementalValueProvider<EquatableArray<FormatFile>> formats = context.AdditionalTextsProvider
                .Where(file => Path.GetFileName(file.Path) == "format")
                .Select((file, cancel) => FormatFile.Read(file.Path, file.GetText(cancel)?.ToString() ?? ""))
                .Collect()
                .Select((all, _) => all.OrderBy(f => f.Path, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.Formats);

            IncrementalValueProvider<(CodegenRequest Request, EquatableArray<CodegenDiagnostic> Problems)> request = kernelTypes.Combine(raw).Combine(records)
                .Select((input, _) =>
                {
                    var declarations = input.Left.Right.Concat(input.Right).ToList();
                    var problems = declarations.Where(d => d.Problem != null).Select(d => d.Problem!).ToEquatableArray();
                    return (new CodegenRequest(input.Left.Left,
                        declarations.Where(d => d.Raw != null).Select(d => d.Raw!).ToEquatableArray(),
                        declarations.Where(d => d.Record != null).Select(d => d.Record!).ToEquatableArray()), problems);
                }).WithTrackingName(TrackingNames.Request);

            IncrementalValueProvider<CodegenResult> emission = request.Combine(btf).Combine(prototypes).Combine(formats)
                .Select((input, _) =>
                {
                    var ((((req, problems), loaded), protos), files) = input;
                    if (req.IsEmpty) return new CodegenResult(EquatableArray<GeneratedSource>.Empty, problems);
                    var formatProblems = files.Where(f => f.Problem != null).Select(f => f.Problem!);
                    CodegenResult result;
                    try
                    {
                        result = Codegen.Generate(loaded.Value, req, protos.AsImmutableArray(),
                            files.Where(f => f.Format != null).Select(f => f.Format!).ToList(), loaded.Problem);
                    }
                    catch (Exception e) when (e is BtfException || e is InvalidOperationException)
                    {
                        // BTF that validates but is inconsistent where emission looks (a cycle, a kind in the wrong place).
                        result = new CodegenResult(EquatableArray<GeneratedSource>.Empty, new[]
                        {
                            new CodegenDiagnostic(DiagnosticIds.MalformedBtf,
                                "Malformed BTF in '" + loaded.Stamp.Path + "': " + e.Message, null),
                        }.ToEquatableArray());
                    }
                    return result with { Diagnostics = problems.Concat(formatProblems).Concat(result.Diagnostics).ToEquatableArray() };
                }).WithTrackingName(TrackingNames.Emission);

            IncrementalValueProvider<bool> needsKernelPtr = context.CompilationProvider
                .Select((compilation, _) => compilation.GetTypeByMetadataName("Nectar.KernelPtr`1") == null)
                .WithTrackingName(TrackingNames.NeedsKernelPtr);

            context.RegisterSourceOutput(emission.Combine(locations).Combine(needsKernelPtr), (output, input) =>
            {
                ((CodegenResult result, EquatableArray<SourceLocation> where), bool needsPtr) = input;
                Report(output, result, where);
                if (needsPtr && result.Sources.Count > 0)
                    output.AddSource("Nectar.KernelPtr.g.cs", SourceText.From(EmbeddedKernelPtr.Value, System.Text.Encoding.UTF8));
            });

            // Skeletons need the runtime (they load through BpfObject), so they never add KernelPtr.
            IncrementalValueProvider<bool> hasRuntime = context.CompilationProvider
                .Select((compilation, _) => compilation.GetTypeByMetadataName("Nectar.Programs.BpfObject") != null)
                .WithTrackingName(TrackingNames.HasRuntime);
            IncrementalValueProvider<ObjectSearch> objectSearch = context.AnalyzerConfigOptionsProvider.Select((options, _) =>
            {
                options.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out string? directory);
                options.GlobalOptions.TryGetValue("build_property.NectarBpfObjects", out string? built);
                return ObjectSearch.From(directory, built);
            });
            IncrementalValuesProvider<Located<SkeletonDeclaration>> skeletonDeclarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeSource.BpfObject, (node, _) => node is ClassDeclarationSyntax, Declarations.Skeleton);
            IncrementalValueProvider<EquatableArray<SourceLocation>> skeletonLocations = skeletonDeclarations
                .Select((d, _) => d.Locations).Collect()
                .Select((all, _) => all.SelectMany(x => x).ToEquatableArray());
            IncrementalValuesProvider<CodegenResult> skeletons = skeletonDeclarations
                .Select((d, _) => d.Value)
                .WithTrackingName(TrackingNames.Skeletons)
                // Re-stat the object on every compilation (as the BTF file), so a rebuilt object is noticed.
                .Combine(objectSearch.Combine(context.CompilationProvider))
                .Select((input, _) => (Declaration: input.Left,
                    Stamp: input.Left.Request is { } r ? SkeletonInput.Stamp(r.ObjectPath, input.Right.Left) : BtfStamp.None))
                .WithTrackingName(TrackingNames.ObjectStamp)
                .Select((input, _) => (input.Declaration, Object: SkeletonInput.Load(input.Stamp)))
                .WithTrackingName(TrackingNames.Object)
                .Combine(hasRuntime)
                .Select((input, _) => SkeletonCodegen.Generate(input.Left.Declaration, input.Left.Object, input.Right))
                .WithTrackingName(TrackingNames.SkeletonEmission);
            context.RegisterSourceOutput(skeletons.Combine(skeletonLocations), (output, input) => Report(output, input.Left, input.Right));

            // The inline arrays and text decoder that kernel types, records and skeletons share: emitted once for
            // the compilation (the union of what every generation used), less what a referenced assembly has.
            IncrementalValueProvider<SupportNeeds> supportNeeds = emission.Select((result, _) => result.Support ?? SupportNeeds.None)
                .Combine(skeletons.Select((result, _) => result.Support ?? SupportNeeds.None).Collect())
                .Select((input, _) => SupportNeeds.Union(new[] { input.Left }.Concat(input.Right)))
                .WithTrackingName(TrackingNames.SupportNeeds);
            IncrementalValueProvider<SupportNeeds> referencedSupport = context.CompilationProvider
                .Select((compilation, _) => ReferencedSupport(compilation))
                .WithTrackingName(TrackingNames.ReferencedSupport);
            context.RegisterSourceOutput(supportNeeds.Combine(referencedSupport), (output, input) =>
            {
                if (SupportTypes.Source(SupportTypes.Without(input.Left, input.Right)) is { } source)
                    output.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
            });

            // Each skeleton's program sections against the kernel BTF (a warning per unknown attach
            // point). Its own branch, so that a new kernel BTF re-runs the check, not the skeletons.
            IncrementalValuesProvider<CodegenResult> attachChecks = skeletonDeclarations
                .Select((d, _) => d.Value)
                .Combine(objectSearch.Combine(context.CompilationProvider))
                .Select((input, _) => (Source: input.Left.Request?.Source,
                    Stamp: input.Left.Request is { } r ? SkeletonInput.Stamp(r.ObjectPath, input.Right.Left) : BtfStamp.None))
                .Select((input, _) => (input.Source, Object: SkeletonInput.Load(input.Stamp)))
                .Combine(btf)
                .Select((input, _) => new CodegenResult(EquatableArray<GeneratedSource>.Empty,
                    (input.Left.Object.Value is { } spec
                        ? AttachPointCheck.Check(spec, input.Right.Value, input.Right.Stamp.Path, input.Left.Source)
                        : Enumerable.Empty<CodegenDiagnostic>()).ToEquatableArray()))
                .WithTrackingName(TrackingNames.AttachPointCheck);
            context.RegisterSourceOutput(attachChecks.Combine(skeletonLocations), (output, input) => Report(output, input.Left, input.Right));
        }

        /// <summary>The support types (Nectar.Kernel.InlineArrayN&lt;T&gt;, KernelStrings) that referenced assemblies' generated code already has.</summary>
        private static SupportNeeds ReferencedSupport(Compilation compilation)
        {
            INamespaceSymbol? kernel = compilation.GlobalNamespace.GetNamespaceMembers().FirstOrDefault(n => n.Name == "Nectar")?
                .GetNamespaceMembers().FirstOrDefault(n => n.Name == "Kernel");
            if (kernel == null) return SupportNeeds.None;
            var lengths = new List<uint>();
            bool text = false;
            foreach (INamedTypeSymbol type in kernel.GetTypeMembers())
            {
                if (type.DeclaredAccessibility != Accessibility.Public) continue;
                if (type.Name == "KernelStrings" && type.Arity == 0) text = true;
                else if (type.Arity == 1 && type.Name.StartsWith("InlineArray", StringComparison.Ordinal)
                         && uint.TryParse(type.Name.Substring("InlineArray".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint length))
                    lengths.Add(length);
            }
            lengths.Sort();
            return new SupportNeeds(lengths.ToEquatableArray(), text);
        }

        /// <summary>Adds the sources, and reports the diagnostics where their declarations are now.</summary>
        private static void Report(SourceProductionContext output, CodegenResult result, EquatableArray<SourceLocation> locations)
        {
            foreach (GeneratedSource source in result.Sources)
                output.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
            if (result.Diagnostics.Count == 0) return;
            var where = new Dictionary<SourceKey, SourceSpan>();
            foreach (SourceLocation location in locations)
                if (!where.ContainsKey(location.Key)) where.Add(location.Key, location.Span);
            foreach (CodegenDiagnostic diagnostic in result.Diagnostics)
                output.ReportDiagnostic(Diagnostics.Create(diagnostic,
                    diagnostic.Source is { } key && where.TryGetValue(key, out SourceSpan? span) ? span : null));
        }

        // The runtime's own KernelPtr.cs, one source of truth for both. It stays public: generated
        // kernel types are public and expose it. A project that shares kernel types with others
        // should reference the Nectar runtime, so that all of them use its one KernelPtr.
        private static readonly Lazy<string> EmbeddedKernelPtr = new Lazy<string>(() =>
        {
            using Stream stream = typeof(NectarGenerator).Assembly.GetManifestResourceStream("KernelPtr.cs")!;
            using var reader = new StreamReader(stream);
            return "// <auto-generated/>\n// Added by the Nectar generator because this project does not reference the Nectar runtime.\n#nullable enable\n"
                + reader.ReadToEnd().Replace("\r\n", "\n");
        });
    }

    /// <summary>A format AdditionalFile: its path, the system named by its grandparent folder, the parsed format or the problem.</summary>
    internal sealed record FormatFile(string Path, SystemFormat? Format, CodegenDiagnostic? Problem)
    {
        public static FormatFile Read(string path, string text)
        {
            // events/<system>/<event>/format: the system is the grandparent folder's name.
            string system = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(path) ?? "") ?? "");
            try
            {
                return new FormatFile(path, new SystemFormat(system, TraceFormatParser.Parse(text)), null);
            }
            catch (FormatException e)
            {
                return new FormatFile(path, null, new CodegenDiagnostic(DiagnosticIds.MalformedInput,
                    $"'{path}' is not a readable tracefs format file and is ignored: {e.Message}", null));
            }
        }
    }
}
