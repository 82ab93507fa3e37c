using System;
using Nectar.Generator.Model;

namespace Nectar.Generator.Tracepoints
{
    /// <summary>One parameter of a TP_PROTO: its C type as written (whitespace normalised) and its name.</summary>
    internal sealed record TracepointParameter(string CType, string Name);

    /// <summary>Which macro declared a prototype; event classes are templates, not tracepoints.</summary>
    internal enum PrototypeKind
    {
        Event,
        EventClass,
        EventOfClass,
        BareTrace,
    }

    /// <summary>
    /// A tracepoint prototype from a kernel trace header: the raw tracepoint name (the suffix of the
    /// <c>btf_trace_&lt;name&gt;</c> typedef), the TP_PROTO parameters in order, the macro that declared
    /// it, and for DEFINE_EVENT* the event class it instantiates.
    /// </summary>
    internal sealed record TracepointPrototype(
        string Name,
        PrototypeKind Kind,
        string Macro,
        string? EventClass,
        EquatableArray<TracepointParameter> Parameters,
        int Line)
    {
        /// <summary>The C prototype, for documentation comments and listings: <c>name(type a, type b)</c>.</summary>
        public string Signature
        {
            get
            {
                var parts = new string[Parameters.Count];
                for (int i = 0; i < parts.Length; i++)
                {
                    TracepointParameter p = Parameters[i];
                    parts[i] = p.CType.EndsWith("*", StringComparison.Ordinal) ? p.CType + p.Name : p.CType + " " + p.Name;
                }
                return Name + "(" + string.Join(", ", parts) + ")";
            }
        }
    }
}
