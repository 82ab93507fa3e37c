using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Nectar.Generator.Model;

namespace Nectar.Generator.Pipeline
{
    /// <summary>Turns the emitter's plain diagnostics into Roslyn ones, one descriptor per stable id.</summary>
    internal static class Diagnostics
    {
        private static readonly Dictionary<string, string> Titles = new Dictionary<string, string>
        {
            [DiagnosticIds.MissingBtf] = "No BTF input",
            [DiagnosticIds.MalformedBtf] = "Malformed BTF",
            [DiagnosticIds.UnknownType] = "Unknown kernel type",
            [DiagnosticIds.UnknownRawTracepoint] = "Unknown raw tracepoint",
            [DiagnosticIds.NoPrototype] = "No tracepoint prototype",
            [DiagnosticIds.PrototypeMismatch] = "Tracepoint prototype and BTF disagree",
            [DiagnosticIds.ConflictingDeclarations] = "Conflicting declarations",
            [DiagnosticIds.UnknownTracepoint] = "Unknown tracepoint",
            [DiagnosticIds.MalformedInput] = "Unreadable tracepoint input",
            [DiagnosticIds.NotPartialStruct] = "Not a partial struct",
            [DiagnosticIds.ScalarTypedef] = "Typedef of a scalar",
            [DiagnosticIds.BadSkeletonDeclaration] = "Not a partial class",
            [DiagnosticIds.UnknownMap] = "Unknown map",
            [DiagnosticIds.UntypedRingBuffer] = "Ring buffer without an event type",
            [DiagnosticIds.UnknownAttachPoint] = "Unknown attach point",
        };

        private static readonly Dictionary<(string, CodegenSeverity), DiagnosticDescriptor> Descriptors = new Dictionary<(string, CodegenSeverity), DiagnosticDescriptor>();

        public static Diagnostic Create(CodegenDiagnostic d)
        {
            DiagnosticDescriptor descriptor;
            lock (Descriptors)
            {
                if (!Descriptors.TryGetValue((d.Id, d.Severity), out descriptor!))
                {
                    var severity = d.Severity == CodegenSeverity.Error ? DiagnosticSeverity.Error : d.Severity == CodegenSeverity.Warning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info;
                    descriptor = new DiagnosticDescriptor(d.Id, Titles.TryGetValue(d.Id, out string? title) ? title : d.Id, "{0}", "Nectar", severity, isEnabledByDefault: true);
                    Descriptors.Add((d.Id, d.Severity), descriptor);
                }
            }
            Location location = d.Source is { } s
                ? Location.Create(s.Path, new TextSpan(s.Start, s.Length), new LinePositionSpan(new LinePosition(s.StartLine, s.StartColumn), new LinePosition(s.EndLine, s.EndColumn)))
                : Location.None;
            return Diagnostic.Create(descriptor, location, d.Message);
        }
    }
}
