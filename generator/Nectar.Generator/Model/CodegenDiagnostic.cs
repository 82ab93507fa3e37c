namespace Nectar.Generator.Model
{
    internal enum CodegenSeverity
    {
        Info,
        Warning,
        Error,
    }

    /// <summary>
    /// A problem found while generating, with its stable id and the declaration it is about (if any).
    /// Its severity is the id's (<see cref="DiagnosticIds.SeverityOf"/>): one severity per id.
    /// </summary>
    internal sealed record CodegenDiagnostic(string Id, string Message, SourceKey? Source)
    {
        public CodegenSeverity Severity => DiagnosticIds.SeverityOf(Id);

        public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
    }

    /// <summary>
    /// The stable diagnostic ids. Never renumber: users suppress them by id.
    /// </summary>
    internal static class DiagnosticIds
    {
        public const string MissingBtf = "NECTAR001";
        public const string MalformedBtf = "NECTAR002";
        public const string UnknownType = "NECTAR003";
        public const string UnknownRawTracepoint = "NECTAR004";
        public const string NoPrototype = "NECTAR005";
        public const string PrototypeMismatch = "NECTAR006";
        public const string ConflictingDeclarations = "NECTAR007";
        public const string UnknownTracepoint = "NECTAR008";
        public const string MalformedInput = "NECTAR009";
        public const string NotPartialStruct = "NECTAR010";
        public const string ScalarTypedef = "NECTAR011";
        public const string BadSkeletonDeclaration = "NECTAR012";
        public const string UnknownMap = "NECTAR013";
        public const string UntypedRingBuffer = "NECTAR014";
        public const string RingRecordOverridden = "NECTAR015";
        // NECTAR016..019 left for the generator work of other branches in flight.
        public const string UnknownAttachPoint = "NECTAR020";
        public const string NameClash = "NECTAR021";
        public const string KernelNameClash = "NECTAR022";

        /// <summary>
        /// Each id's one severity; the Roslyn descriptors (Pipeline/Diagnostics.cs) and
        /// AnalyzerReleases.Shipped.md say the same, and a test checks they agree.
        /// </summary>
        public static CodegenSeverity SeverityOf(string id)
        {
            switch (id)
            {
                case NoPrototype:
                case UntypedRingBuffer:
                case KernelNameClash:
                    return CodegenSeverity.Info;
                case PrototypeMismatch:
                case MalformedInput:
                case ScalarTypedef:
                case RingRecordOverridden:
                case UnknownAttachPoint:
                case NameClash:
                    return CodegenSeverity.Warning;
                default:
                    return CodegenSeverity.Error;
            }
        }
    }
}
