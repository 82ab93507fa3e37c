using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Nectar.Generator.Model;

namespace Nectar.Generator.Pipeline
{
    /// <summary>
    /// Turns the emitter's plain diagnostics into Roslyn ones. One static descriptor per stable id,
    /// with the id's one severity (as <see cref="DiagnosticIds.SeverityOf"/> and
    /// AnalyzerReleases.Shipped.md give it; the release-tracking analyzer checks the file).
    /// </summary>
    internal static class Diagnostics
    {
        private const string Category = "Nectar";
        private const string AsGiven = "{0}";

        public static readonly DiagnosticDescriptor MissingBtf = new DiagnosticDescriptor(DiagnosticIds.MissingBtf, "No BTF input", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor MalformedBtf = new DiagnosticDescriptor(DiagnosticIds.MalformedBtf, "Malformed BTF", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UnknownType = new DiagnosticDescriptor(DiagnosticIds.UnknownType, "Unknown kernel type", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UnknownRawTracepoint = new DiagnosticDescriptor(DiagnosticIds.UnknownRawTracepoint, "Unknown raw tracepoint", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor NoPrototype = new DiagnosticDescriptor(DiagnosticIds.NoPrototype, "No tracepoint prototype", AsGiven, Category, DiagnosticSeverity.Info, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor PrototypeMismatch = new DiagnosticDescriptor(DiagnosticIds.PrototypeMismatch, "Tracepoint prototype and BTF disagree", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor ConflictingDeclarations = new DiagnosticDescriptor(DiagnosticIds.ConflictingDeclarations, "Conflicting declarations", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UnknownTracepoint = new DiagnosticDescriptor(DiagnosticIds.UnknownTracepoint, "Unknown tracepoint", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor MalformedInput = new DiagnosticDescriptor(DiagnosticIds.MalformedInput, "Unreadable tracepoint input", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor NotPartialStruct = new DiagnosticDescriptor(DiagnosticIds.NotPartialStruct, "Not a partial struct", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor ScalarTypedef = new DiagnosticDescriptor(DiagnosticIds.ScalarTypedef, "Typedef of a scalar", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor BadSkeletonDeclaration = new DiagnosticDescriptor(DiagnosticIds.BadSkeletonDeclaration, "Not a partial class", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UnknownMap = new DiagnosticDescriptor(DiagnosticIds.UnknownMap, "Unknown map", AsGiven, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UntypedRingBuffer = new DiagnosticDescriptor(DiagnosticIds.UntypedRingBuffer, "Ring buffer without an event type", AsGiven, Category, DiagnosticSeverity.Info, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor RingRecordOverridden = new DiagnosticDescriptor(DiagnosticIds.RingRecordOverridden, "[RingBufferEvent] overrides NECTAR_RING_RECORD", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor UnknownAttachPoint = new DiagnosticDescriptor(DiagnosticIds.UnknownAttachPoint, "Unknown attach point", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor NameClash = new DiagnosticDescriptor(DiagnosticIds.NameClash, "Two C names map to one C# name", AsGiven, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
        public static readonly DiagnosticDescriptor KernelNameClash = new DiagnosticDescriptor(DiagnosticIds.KernelNameClash, "Two kernel C names map to one C# name", AsGiven, Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

        /// <summary>Every descriptor, by id.</summary>
        public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = Index(
            MissingBtf, MalformedBtf, UnknownType, UnknownRawTracepoint, NoPrototype, PrototypeMismatch, ConflictingDeclarations,
            UnknownTracepoint, MalformedInput, NotPartialStruct, ScalarTypedef, BadSkeletonDeclaration, UnknownMap, UntypedRingBuffer,
            RingRecordOverridden, UnknownAttachPoint, NameClash, KernelNameClash);

        /// <param name="span">Where the declaration <see cref="CodegenDiagnostic.Source"/> names is now, if it names one.</param>
        public static Diagnostic Create(CodegenDiagnostic d, SourceSpan? span)
        {
            Location location = span is { } s
                ? Location.Create(s.Path, new TextSpan(s.Start, s.Length), new LinePositionSpan(new LinePosition(s.StartLine, s.StartColumn), new LinePosition(s.EndLine, s.EndColumn)))
                : Location.None;
            return Diagnostic.Create(ById[d.Id], location, d.Message);
        }

        private static IReadOnlyDictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
        {
            var byId = new Dictionary<string, DiagnosticDescriptor>();
            foreach (DiagnosticDescriptor descriptor in descriptors)
                byId.Add(descriptor.Id, descriptor);
            return byId;
        }
    }
}
