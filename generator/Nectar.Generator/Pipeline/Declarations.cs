using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nectar.Generator.Model;
using Nectar.Generator.Skeletons;

namespace Nectar.Generator.Pipeline
{
    /// <summary>A [RawTracepoint] or [Tracepoint] struct turned into plain values, or the reason it cannot be used.</summary>
    internal sealed record TracepointDeclaration(RawTracepointRequest? Raw, TracepointRecordRequest? Record, CodegenDiagnostic? Problem);

    /// <summary>A declaration's requests (or problem) and, apart, where it is: the pipeline splits the two.</summary>
    internal sealed record Located<T>(T Value, EquatableArray<SourceLocation> Locations);

    /// <summary>
    /// The first pipeline step for each attribute: reads what the user declared into equatable
    /// models. Nothing Roslyn-owned (symbols, syntax, locations) leaves these methods. The models
    /// name their declaration by <see cref="SourceKey"/>; where it is goes beside them, in
    /// <see cref="Located{T}.Locations"/>, which never reaches emission.
    /// </summary>
    internal static class Declarations
    {
        public static Located<EquatableArray<KernelTypeRequest>> KernelTypes(GeneratorAttributeSyntaxContext context, CancellationToken cancel)
        {
            var requests = new List<KernelTypeRequest>();
            var locations = new List<SourceLocation>();
            var seen = new Dictionary<string, int>();
            foreach (AttributeData attribute in context.Attributes)
            {
                cancel.ThrowIfCancellationRequested();
                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string name) continue;
                // The same name twice in one file: each its own key (by occurrence), so each reports where it is.
                seen.TryGetValue(name, out int occurrence);
                seen[name] = occurrence + 1;
                var key = new SourceKey(context.TargetNode.SyntaxTree.FilePath, "KernelType(" + name + ")#" + occurrence);
                requests.Add(new KernelTypeRequest(name, key));
                Add(locations, key, attribute.ApplicationSyntaxReference?.GetSyntax(cancel).GetLocation());
            }
            return new Located<EquatableArray<KernelTypeRequest>>(requests.ToEquatableArray(), locations.ToEquatableArray());
        }

        public static Located<TracepointDeclaration> Tracepoint(GeneratorAttributeSyntaxContext context, bool raw, CancellationToken cancel)
        {
            var (where, locations) = Key(context, raw ? "RawTracepoint" : "Tracepoint");
            return new Located<TracepointDeclaration>(TracepointCore(context, raw, where), locations);
        }

        private static TracepointDeclaration TracepointCore(GeneratorAttributeSyntaxContext context, bool raw, SourceKey where)
        {
            var node = (TypeDeclarationSyntax)context.TargetNode;
            AttributeData attribute = context.Attributes[0];
            if (!IsPartialAll(node))
                return new TracepointDeclaration(null, null, new CodegenDiagnostic(DiagnosticIds.NotPartialStruct,
                    $"'{node.Identifier.Text}' must be a partial struct (and every type containing it partial) for Nectar to add its members.", where));
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var target = new TargetStruct(
                symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
                ContainingTypes(symbol), symbol.Name);
            var args = attribute.ConstructorArguments;
            if (raw && args.Length == 1 && args[0].Value is string name)
                return new TracepointDeclaration(new RawTracepointRequest(name, target, where), null, null);
            if (!raw && args.Length == 2 && args[0].Value is string system && args[1].Value is string eventName)
                return new TracepointDeclaration(null, new TracepointRecordRequest(system, eventName, target, where), null);
            return new TracepointDeclaration(null, null, null); // the compiler already reports the bad attribute arguments
        }

        public static Located<SkeletonDeclaration> Skeleton(GeneratorAttributeSyntaxContext context, CancellationToken cancel)
        {
            var (where, locations) = Key(context, "BpfObject");
            return new Located<SkeletonDeclaration>(SkeletonCore(context, where, cancel), locations);
        }

        private static SkeletonDeclaration SkeletonCore(GeneratorAttributeSyntaxContext context, SourceKey where, CancellationToken cancel)
        {
            var node = (TypeDeclarationSyntax)context.TargetNode;
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            if (!IsPartialAll(node) || symbol.IsStatic || symbol.IsRecord || symbol.TypeParameters.Length > 0)
                return new SkeletonDeclaration(null, new CodegenDiagnostic(DiagnosticIds.BadSkeletonDeclaration,
                    $"'{node.Identifier.Text}' must be a non-static, non-generic partial class (and every type containing it partial) for Nectar to add the object's skeleton.", where));
            AttributeData attribute = context.Attributes[0];
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string path)
                return new SkeletonDeclaration(null, null); // the compiler already reports the bad attribute arguments
            var types = new List<string>();
            bool embed = false;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "Types" && !named.Value.IsNull)
                    types.AddRange(named.Value.Values.Select(v => v.Value as string).Where(v => v != null)!);
                if (named.Key == "Embed" && named.Value.Value is bool e)
                    embed = e;
            }
            var events = new List<RingBufferEventRequest>();
            foreach (AttributeData other in symbol.GetAttributes())
            {
                cancel.ThrowIfCancellationRequested();
                if (other.AttributeClass?.ToDisplayString() == AttributeSource.RingBufferEvent && other.ConstructorArguments.Length == 2 &&
                    other.ConstructorArguments[0].Value is string map && other.ConstructorArguments[1].Value is string structName)
                    events.Add(new RingBufferEventRequest(map, structName));
            }
            var target = new TargetStruct(
                symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
                ContainingTypes(symbol), symbol.Name, "partial class");
            return new SkeletonDeclaration(new SkeletonRequest(path, target, events.ToEquatableArray(), types.ToEquatableArray(), where) { Embed = embed }, null);
        }

        private static bool IsPartialAll(TypeDeclarationSyntax node)
        {
            for (SyntaxNode? n = node; n != null; n = n.Parent)
                if (n is TypeDeclarationSyntax t && !t.Modifiers.Any(SyntaxKind.PartialKeyword)) return false;
            return true;
        }

        private static EquatableArray<string> ContainingTypes(INamedTypeSymbol symbol)
        {
            var headers = new List<string>();
            for (INamedTypeSymbol? t = symbol.ContainingType; t != null; t = t.ContainingType)
            {
                string keyword = t.IsRecord ? (t.IsValueType ? "record struct" : "record") : t.TypeKind == TypeKind.Struct ? "struct" : t.TypeKind == TypeKind.Interface ? "interface" : "class";
                string parameters = t.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", t.TypeParameters.Select(p => p.Name)) + ">";
                headers.Insert(0, "partial " + keyword + " " + t.Name + parameters);
            }
            return headers.ToEquatableArray();
        }

        /// <summary>A type declaration's key (its file, the attribute, the type's full name) and where its name is.</summary>
        private static (SourceKey Key, EquatableArray<SourceLocation> Locations) Key(GeneratorAttributeSyntaxContext context, string attribute)
        {
            var node = (TypeDeclarationSyntax)context.TargetNode;
            var key = new SourceKey(node.SyntaxTree.FilePath, attribute + " " + context.TargetSymbol.ToDisplayString());
            var locations = new List<SourceLocation>();
            Add(locations, key, node.Identifier.GetLocation());
            return (key, locations.ToEquatableArray());
        }

        private static void Add(List<SourceLocation> locations, SourceKey key, Location? location)
        {
            if (SpanOf(location) is { } span)
                locations.Add(new SourceLocation(key, span));
        }

        internal static SourceSpan? SpanOf(Location? location)
        {
            if (location == null || !location.IsInSource) return null;
            FileLinePositionSpan line = location.GetLineSpan();
            return new SourceSpan(location.SourceTree!.FilePath, location.SourceSpan.Start, location.SourceSpan.Length,
                line.StartLinePosition.Line, line.StartLinePosition.Character, line.EndLinePosition.Line, line.EndLinePosition.Character);
        }
    }
}
