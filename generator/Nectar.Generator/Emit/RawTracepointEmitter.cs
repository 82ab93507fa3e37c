using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Generator.Model;
using Nectar.Generator.Tracepoints;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// Emits the typed arguments of a raw tracepoint: a struct laid out like the context's
    /// <c>u64 args[N]</c>, with one property per TP_PROTO parameter. Types come from BTF's
    /// <c>btf_trace_&lt;name&gt;</c> typedef, names from BTF's <c>__traceiter_</c>/<c>__bpf_trace_</c> FUNCs or the prototype files; each value is narrowed
    /// from its u64 slot as the BTF type says (the kernel widened it with a C cast).
    /// </summary>
    internal sealed class RawTracepointEmitter
    {
        private readonly Btf.Btf _btf;
        private readonly TypeMapper _map;
        private readonly KernelTypes _types;
        private readonly IReadOnlyDictionary<string, TracepointPrototype> _prototypes;
        private readonly TracepointNames _names;

        public RawTracepointEmitter(KernelTypes types, InlineArrays arrays, IReadOnlyDictionary<string, TracepointPrototype> prototypes)
        {
            _types = types;
            _btf = types.Btf;
            _map = new TypeMapper(types, arrays, qualified: true);
            _prototypes = prototypes;
            _names = new TracepointNames(_btf, prototypes);
        }

        /// <summary>A resolved argument: its name, its BTF type, and how it reads from its slot.</summary>
        internal sealed record Argument(string CName, string PropertyName, uint TypeId, string CType, string CsType, string Read);

        /// <summary>
        /// The arguments of <paramref name="tracepoint"/>, or null (with a diagnostic) when BTF has no
        /// <c>btf_trace_</c> typedef for it. Names come from BTF first (<see cref="TracepointNames"/>),
        /// then the prototype files, else Arg0..N with an info diagnostic.
        /// </summary>
        public IReadOnlyList<Argument>? Resolve(string tracepoint, SourceKey? source, List<CodegenDiagnostic> diagnostics)
        {
            NamedTracepoint? named = _names.Resolve(tracepoint);
            if (named == null)
            {
                var names = _btf.Types.Where(t => t.Kind == BtfKind.Typedef && t.Name.StartsWith("btf_trace_", StringComparison.Ordinal))
                    .Select(t => t.Name.Substring("btf_trace_".Length));
                diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.UnknownRawTracepoint,
                    $"No raw tracepoint '{tracepoint}' in the BTF (no typedef btf_trace_{tracepoint}).{DidYouMean(BtfSuggestions.Closest(tracepoint, names))}", source));
                return null;
            }
            IReadOnlyList<BtfParam> parameters = named.Arguments;
            _prototypes.TryGetValue(tracepoint, out TracepointPrototype? prototype);
            string btfSignature = tracepoint + "(" + string.Join(", ", parameters.Select(p => CDeclarations.TypeName(_btf, p.TypeId))) + ")";
            if (named.Source == TracepointNameSource.None)
                diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.NoPrototype,
                    $"No parameter names for raw tracepoint '{tracepoint}': the BTF has neither __traceiter_{tracepoint} nor an event class __bpf_trace_* of this prototype, " +
                    $"and no prototype file declares it, so its arguments are named Arg0..Arg{parameters.Count - 1}. " +
                    "Add the kernel trace header that declares it (include/trace/events/*.h) as an AdditionalFiles item for TP_PROTO names.", source));
            if (prototype != null && (prototype.Parameters.Count != parameters.Count || !SameTypes(prototype, parameters)))
                diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.PrototypeMismatch,
                    $"The prototype files and BTF disagree about raw tracepoint '{tracepoint}': header says {prototype.Signature}, BTF says {btfSignature}. " +
                    "BTF types are used; names come from BTF, else from the header where it has them. Use the trace headers of the kernel the BTF came from.", source));

            var arguments = new List<Argument>(parameters.Count);
            var used = new HashSet<string>(StringComparer.Ordinal) { "ArgumentCount", "FromArgs" };
            var cOf = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < parameters.Count; i++)
            {
                string cName = named.Source != TracepointNameSource.None ? named.NameOf(i)
                    : prototype != null && i < prototype.Parameters.Count ? prototype.Parameters[i].Name : "arg" + i;
                string pascal = CSharpNames.Pascal(cName);
                string property = CSharpNames.Unique(pascal, used);
                if (property != pascal)
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.KernelNameClash, cOf.TryGetValue(pascal, out string? other)
                        ? $"Raw tracepoint '{tracepoint}': arguments '{other}' and '{cName}' both become {pascal}: {other} keeps it, {cName} is {property}."
                        : $"Raw tracepoint '{tracepoint}': argument '{cName}' becomes {pascal}, a member every arguments struct has: it is {property}.", source));
                cOf[property] = cName;
                (string csType, string read) = Slot(parameters[i].TypeId, "_arg" + i);
                arguments.Add(new Argument(cName, property, parameters[i].TypeId, CDeclarations.TypeName(_btf, parameters[i].TypeId), csType, read));
            }
            return arguments;
        }

        /// <summary>The C prototype with BTF's types and the resolved names: <c>name(struct task_struct *p, pid_t old_pid)</c>.</summary>
        public static string Signature(string tracepoint, IReadOnlyList<Argument> arguments)
            => tracepoint + "(" + string.Join(", ", arguments.Select(a => Declare(a.CType, a.CName))) + ")";

        private static string Declare(string cType, string name) => cType.EndsWith("*", StringComparison.Ordinal) ? cType + name : cType + " " + name;

        /// <summary>Writes the members of the user's partial struct <paramref name="typeName"/>.</summary>
        public static void EmitMembers(CodeWriter w, string tracepoint, string typeName, IReadOnlyList<Argument> arguments)
        {
            w.Line("/// <summary>The number of arguments (the N of the context's <c>u64 args[N]</c>).</summary>");
            w.Line("public const int ArgumentCount = " + arguments.Count + ";");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The arguments in <paramref name=\"args\"/>, the context's <c>u64 args[N]</c> as a BPF program copied it (a skeleton event's");
            w.Line("/// <c>Args</c>, an <c>InlineArray" + arguments.Count + "&lt;ulong&gt;</c>, converts to the span): a view in place, no copy.");
            w.Line("/// Throws ArgumentException when it holds fewer than <see cref=\"ArgumentCount\"/> slots.");
            w.Line("/// </summary>");
            w.Line("public static ref readonly " + typeName + " FromArgs(global::System.ReadOnlySpan<ulong> args)");
            w.Line("{");
            w.Line("    if (args.Length < ArgumentCount)");
            w.Line("        throw new global::System.ArgumentException(\"" + tracepoint + " has \" + ArgumentCount + \" arguments, but the span holds \" + args.Length + \" slots.\", nameof(args));");
            w.Line("    return ref global::System.Runtime.InteropServices.MemoryMarshal.AsRef<" + typeName + ">(global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(args));");
            w.Line("}");
            for (int i = 0; i < arguments.Count; i++)
            {
                w.Line();
                w.Line("private readonly ulong _arg" + i + ";");
            }
            for (int i = 0; i < arguments.Count; i++)
            {
                Argument a = arguments[i];
                string decl = Declare(a.CType, a.CName);
                w.Line();
                w.SummaryCode(decl, " (C: " + a.CName + ", args[" + i + "] of " + tracepoint + ").");
                w.Line("public " + a.CsType + " " + a.PropertyName + " => " + a.Read + ";");
            }
        }

        private (string CsType, string Read) Slot(uint typeId, string field)
        {
            (BtfType t, _) = _types.Resolve(typeId);
            if (t.Kind == BtfKind.Ptr)
            {
                string pointer = _map.Pointer(t.TypeId);
                return (pointer, "new " + pointer + "(" + field + ")");
            }
            if (t.Kind == BtfKind.Int && (t.IntEncoding & BtfIntEncoding.Bool) != 0) return ("bool", field + " != 0");
            if (t.Kind == BtfKind.Int || t.IsEnum)
            {
                string type = _map.Map(typeId) ?? "ulong";
                return type == "ulong" ? (type, field) : (type, "unchecked((" + type + ")" + field + ")");
            }
            return ("ulong", field); // structs by value do not occur in tracepoints; keep the raw slot
        }

        private bool SameTypes(TracepointPrototype prototype, IReadOnlyList<BtfParam> parameters)
        {
            for (int i = 0; i < parameters.Count; i++)
                if (Normalise(prototype.Parameters[i].CType) != Normalise(CDeclarations.TypeName(_btf, parameters[i].TypeId)))
                    return false;
            return true;
        }

        // Qualifiers and address-space annotations do not change what the slot holds.
        private static string Normalise(string cType)
        {
            string s = " " + cType.Replace("*", " * ") + " ";
            foreach (string word in new[] { "const", "volatile", "__user", "__rcu", "__iomem", "__percpu" })
                s = s.Replace(" " + word + " ", " ");
            return string.Join(" ", s.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
        }

        internal static string DidYouMean(IReadOnlyList<string> suggestions)
            => suggestions.Count == 0 ? "" : " Did you mean " + string.Join(", ", suggestions.Select(s => "'" + s + "'")) + "?";
    }
}
