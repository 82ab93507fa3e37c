using System.Linq;

namespace Nectar.Generator.Model
{
    /// <summary>
    /// Where a declaration is in source, kept as plain values (never a Roslyn Location) so models stay
    /// equatable and hold no syntax tree alive; the generator turns it back into a Location to report.
    /// </summary>
    internal sealed record SourceSpan(string Path, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn);

    /// <summary>
    /// Which declaration a request or diagnostic is about (its file and what it declares), but not
    /// where in the file: requests carry this, never a <see cref="SourceSpan"/>, so that moving a
    /// declaration (a line added above it) leaves the emission they key cached. The spans travel
    /// beside them (<see cref="SourceLocation"/>) and are joined back only to report diagnostics.
    /// </summary>
    internal sealed record SourceKey(string Path, string Declaration);

    /// <summary>Where a declaration is now.</summary>
    internal sealed record SourceLocation(SourceKey Key, SourceSpan Span);

    /// <summary>
    /// The user's partial struct that generated members go into: its namespace (null for global), the
    /// containing type headers outermost first (<c>partial class Outer</c>), its own name, and the
    /// words that open it (the user's declaration carries the accessibility; the tool declares it).
    /// </summary>
    internal sealed record TargetStruct(string? Namespace, EquatableArray<string> ContainingTypes, string Name, string Keywords = "partial struct")
    {
        public string FullName => (Namespace == null ? "" : Namespace + ".") +
            string.Concat(ContainingTypes.Select(LastWord)) + Name;

        private static string LastWord(string header) => header.Substring(header.LastIndexOf(' ') + 1) + ".";
    }

    /// <summary><c>[assembly: KernelType("task_struct")]</c>.</summary>
    internal sealed record KernelTypeRequest(string Name, SourceKey? Source);

    /// <summary><c>[RawTracepoint("sched_process_exec")] partial struct X;</c>.</summary>
    internal sealed record RawTracepointRequest(string Tracepoint, TargetStruct Target, SourceKey? Source);

    /// <summary><c>[Tracepoint("sched", "sched_process_exec")] partial struct X;</c>.</summary>
    internal sealed record TracepointRecordRequest(string System, string Event, TargetStruct Target, SourceKey? Source);

    /// <summary>Everything the user asked for, in declaration order.</summary>
    internal sealed record CodegenRequest(
        EquatableArray<KernelTypeRequest> KernelTypes,
        EquatableArray<RawTracepointRequest> RawTracepoints,
        EquatableArray<TracepointRecordRequest> Records)
    {
        public bool IsEmpty => KernelTypes.Count == 0 && RawTracepoints.Count == 0 && Records.Count == 0;
    }

    /// <summary>One generated source unit: a hint name (unique, ends in .g.cs) and its complete text.</summary>
    internal sealed record GeneratedSource(string HintName, string Text);
}
