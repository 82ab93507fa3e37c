using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Generator.Model;
using Nectar.Generator.Tracepoints;

namespace Nectar.Generator.Emit
{
    /// <summary>A classic tracepoint's format file with the tracefs system it belongs to.</summary>
    internal sealed record SystemFormat(string System, TraceFormat Format);

    /// <summary>
    /// What one generation run produced: source units and diagnostics, both value-equal, and what it needs of the
    /// support types (<see cref="SupportTypes"/>), which the generator emits once for all runs of a compilation.
    /// </summary>
    internal sealed record CodegenResult(EquatableArray<GeneratedSource> Sources, EquatableArray<CodegenDiagnostic> Diagnostics, SupportNeeds? Support = null);

    /// <summary>
    /// The emitter shared by the source generator and <c>nectar codegen</c>: BTF, prototype files,
    /// format files and a request in; C# sources and diagnostics out. No Roslyn types here.
    /// </summary>
    internal static class Codegen
    {
        /// <summary>One unit of output: a type, or members of a user's partial struct, in its namespace.</summary>
        internal sealed record Unit(string HintName, string? Namespace, EquatableArray<string> Containing, Action<CodeWriter> Write);

        /// <summary>
        /// Generates one source per unit (the generator's shape). The support types are not among the sources:
        /// <see cref="CodegenResult.Support"/> says which are needed, and the generator emits them once for the
        /// compilation (skeletons use them too); <paramref name="withSupport"/> adds them here instead.
        /// </summary>
        public static CodegenResult Generate(Btf.Btf? btf, CodegenRequest request, IReadOnlyList<TracepointPrototype> prototypes,
            IReadOnlyList<SystemFormat> formats, string? btfProblem = null, bool withSupport = false)
        {
            var diagnostics = new List<CodegenDiagnostic>();
            List<Unit> units = Plan(btf, request, prototypes, formats, btfProblem, diagnostics, out Func<SupportNeeds> support);
            var sources = new List<GeneratedSource>();
            foreach (Unit unit in units)
                if (Compose(new[] { unit }) is { } text) sources.Add(new GeneratedSource(unit.HintName, text));
            // Known only now: composing the units is what maps their arrays and text accessors.
            SupportNeeds needs = support();
            if (withSupport && SupportTypes.Source(needs) is { } supportSource) sources.Add(supportSource);
            return new CodegenResult(sources.ToEquatableArray(), diagnostics.ToEquatableArray(), needs);
        }

        /// <summary>Generates everything as one file, support types included (the shape <c>nectar codegen -o FILE</c> writes).</summary>
        public static (string Text, EquatableArray<CodegenDiagnostic> Diagnostics) GenerateSingleFile(Btf.Btf? btf, CodegenRequest request,
            IReadOnlyList<TracepointPrototype> prototypes, IReadOnlyList<SystemFormat> formats)
        {
            var diagnostics = new List<CodegenDiagnostic>();
            List<Unit> units = Plan(btf, request, prototypes, formats, null, diagnostics, out Func<SupportNeeds> support);
            // Written last: the support types are known only once everything above has been composed.
            units.Add(new Unit(SupportTypes.HintName, KernelTypes.Namespace, EquatableArray<string>.Empty, w => SupportTypes.Emit(w, support())));
            return (Compose(units) ?? "", diagnostics.ToEquatableArray());
        }

        private static List<Unit> Plan(Btf.Btf? btf, CodegenRequest request, IReadOnlyList<TracepointPrototype> prototypes,
            IReadOnlyList<SystemFormat> formats, string? btfProblem, List<CodegenDiagnostic> diagnostics, out Func<SupportNeeds> support)
        {
            var units = new List<Unit>();
            var arrays = new InlineArrays();
            bool needsStrings = false; // read once the units are written, after every record is planned
            KernelTypeEmitter? kernelEmitter = null;
            support = () => new SupportNeeds(arrays.Lengths.ToEquatableArray(), needsStrings || kernelEmitter?.WroteText == true);
            KernelTypes? types = btf == null ? null : new KernelTypes(btf);

            if (btf == null)
            {
                string why = btfProblem ?? "No BTF input: the NectarBtf MSBuild property is not set, and this machine has no /sys/kernel/btf/vmlinux (its default, where the kernel has BTF). Set NectarBtf to a raw BTF file (a copy of /sys/kernel/btf/vmlinux from the target kernel, or `nectar btf dump --format raw`) or a BPF object built with -g.";
                foreach (KernelTypeRequest k in request.KernelTypes)
                    diagnostics.Add(Missing(why, k.Source, btfProblem));
                foreach (RawTracepointRequest r in request.RawTracepoints)
                    diagnostics.Add(Missing(why, r.Source, btfProblem));
            }

            // Kernel types: the requested ones plus their by-value dependencies.
            if (types != null)
            {
                foreach (KernelTypeRequest k in request.KernelTypes)
                {
                    if (types.Find(k.Name) is { } found) types.Add(found, found.IsAnonymous ? k.Name : found.Name);
                    else diagnostics.Add(NotAType(types, k.Name, k.Source));
                }
                var emitter = kernelEmitter = new KernelTypeEmitter(types, arrays);
                foreach (string clash in types.Clashes)
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.KernelNameClash, clash + " Refer to it by that name.", null));
                int reported = 0;
                foreach (uint id in types.Ids)
                {
                    uint captured = id;
                    units.Add(new Unit(KernelTypes.Namespace + "." + types.CSharpNameOf(id) + ".g.cs", KernelTypes.Namespace,
                        EquatableArray<string>.Empty, w =>
                        {
                            emitter.Emit(w, captured);
                            // Member clashes are found while emitting: report the new ones of this type.
                            for (; reported < emitter.Clashes.Count; reported++)
                                diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.KernelNameClash, emitter.Clashes[reported] + " Refer to it by that name.", null));
                        }));
                }
            }

            var taken = new HashSet<string>(StringComparer.Ordinal);
            var byName = new Dictionary<string, TracepointPrototype>(StringComparer.Ordinal);
            foreach (TracepointPrototype p in prototypes)
                if (p.Kind != PrototypeKind.EventClass && !byName.ContainsKey(p.Name)) byName.Add(p.Name, p);

            if (types != null)
            {
                var raw = new RawTracepointEmitter(types, arrays, byName);
                foreach (RawTracepointRequest r in request.RawTracepoints)
                {
                    if (!Claim(taken, r.Target, r.Source, diagnostics)) continue;
                    if (raw.Resolve(r.Tracepoint, r.Source, diagnostics) is not { } arguments) continue;
                    string tracepoint = r.Tracepoint;
                    units.Add(new Unit(r.Target.FullName + ".g.cs", r.Target.Namespace, r.Target.ContainingTypes, w =>
                    {
                        w.SummaryCode(RawTracepointEmitter.Signature(tracepoint, arguments),
                            ": the arguments of this raw tracepoint, laid out as its u64 args[" + arguments.Count + "].");
                        w.Open(r.Target.Keywords + " " + r.Target.Name);
                        RawTracepointEmitter.EmitMembers(w, tracepoint, r.Target.Name, arguments);
                        w.Close();
                    }));
                }
            }

            var records = new TracepointRecordEmitter(types, arrays);
            TracepointNames? classes = null; // built on first need: it indexes every event class of the BTF
            foreach (TracepointRecordRequest r in request.Records)
            {
                if (!Claim(taken, r.Target, r.Source, diagnostics)) continue;
                SystemFormat? format = formats.FirstOrDefault(f => f.System == r.System && f.Format.Name == r.Event);
                IReadOnlyList<TracepointRecordEmitter.Field>? fields;
                string from;
                if (format != null)
                {
                    fields = records.FromFormat(format.Format);
                    from = "the tracefs format file";
                }
                else
                {
                    // DEFINE_EVENT instances share their class's record: trace_event_raw_<class>.
                    string rawName = r.Event;
                    fields = records.FromBtf(rawName);
                    if (fields == null && byName.TryGetValue(r.Event, out var p) && p.EventClass != null)
                        fields = records.FromBtf(rawName = p.EventClass);
                    if (fields == null && btf != null && RecordOfClassByPrototype(classes ??= new TracepointNames(btf, byName), records, r.Event) is { } byClass)
                        (fields, rawName) = byClass;
                    from = "BTF struct trace_event_raw_" + rawName;
                }
                if (fields == null)
                {
                    var known = formats.Select(f => f.Format.Name)
                        .Concat(btf?.Types.Where(t => t.Kind == BtfKind.Struct && t.Name.StartsWith("trace_event_raw_", StringComparison.Ordinal))
                            .Select(t => t.Name.Substring("trace_event_raw_".Length)) ?? Enumerable.Empty<string>());
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.UnknownTracepoint,
                        $"No format for tracepoint '{r.System}/{r.Event}': add /sys/kernel/tracing/events/{r.System}/{r.Event}/format as an AdditionalFiles item " +
                        $"(kept under a folder named {r.System}/{r.Event}/), or give BTF that has struct trace_event_raw_{r.Event}.{RawTracepointEmitter.DidYouMean(BtfSuggestions.Closest(r.Event, known))}",
                        r.Source));
                    continue;
                }
                if (fields.Any(f => f.CharArray)) needsStrings = true;
                TracepointRecordRequest record = r;
                IReadOnlyList<TracepointRecordEmitter.Field> recordFields = fields;
                units.Add(new Unit(r.Target.FullName + ".g.cs", r.Target.Namespace, r.Target.ContainingTypes, w =>
                {
                    int size = TracepointRecordEmitter.Size(recordFields);
                    w.SummaryCode("tracepoint/" + record.System + "/" + record.Event, ": the record a BPF program attached there receives, " +
                        size + " bytes before its dynamic payloads.");
                    w.Line("[StructLayout(LayoutKind.Explicit, Size = " + size + ", Pack = 1)]");
                    w.Open(record.Target.Keywords + " " + record.Target.Name);
                    TracepointRecordEmitter.EmitMembers(w, record.System, record.Event, recordFields, from, record.Target.Name,
                        clash => diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.KernelNameClash, clash, record.Source)));
                    w.Close();
                }));
            }

            return units;
        }

        /// <summary>
        /// A DEFINE_EVENT's record without a header to name its class: the classes whose BPF glue takes
        /// the event's argument types are candidates; their <c>trace_event_raw_&lt;class&gt;</c> records are
        /// used when all the candidates that have one lay it out alike (so whichever is the class, the record is right).
        /// </summary>
        private static (IReadOnlyList<TracepointRecordEmitter.Field> Fields, string Class)? RecordOfClassByPrototype(
            TracepointNames classes, TracepointRecordEmitter records, string eventName)
        {
            (IReadOnlyList<TracepointRecordEmitter.Field> Fields, string Class)? found = null;
            foreach (string candidate in classes.ClassesWithPrototypeOf(eventName))
            {
                if (records.FromBtf(candidate) is not { } fields) continue;
                if (found is { } first && !first.Fields.SequenceEqual(fields)) return null;
                found ??= (fields, candidate);
            }
            return found;
        }

        /// <summary>Why a requested name gives no type: a typedef of a scalar (pid_t) needs none; anything else is unknown.</summary>
        internal static CodegenDiagnostic NotAType(KernelTypes types, string name, SourceKey? source)
        {
            if (types.ScalarTypedef(name) is { } scalar)
                return new CodegenDiagnostic(DiagnosticIds.ScalarTypedef,
                    $"'{name}' is a typedef of " + (scalar.CType == scalar.Underlying ? $"'{scalar.CType}'" : $"'{scalar.CType}' ('{scalar.Underlying}')") +
                    ", not of a struct, union or enum, so there is no type to generate: " +
                    (scalar.CSharpType != null ? $"use {scalar.CSharpType} where C uses {name}" : $"use a C# type of the same size where C uses {name}") +
                    ", and remove this request.", source);
            return new CodegenDiagnostic(DiagnosticIds.UnknownType,
                $"No struct, union, enum or typedef named '{name}' in the BTF.{RawTracepointEmitter.DidYouMean(types.Suggest(name))}", source);
        }

        private static CodegenDiagnostic Missing(string why, SourceKey? source, string? btfProblem)
            => new CodegenDiagnostic(btfProblem == null ? DiagnosticIds.MissingBtf : DiagnosticIds.MalformedBtf, why, source);

        private static bool Claim(HashSet<string> taken, TargetStruct target, SourceKey? source, List<CodegenDiagnostic> diagnostics)
        {
            if (taken.Add(target.FullName)) return true;
            diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.ConflictingDeclarations,
                $"'{target.FullName}' is declared for more than one tracepoint (or twice): give each [RawTracepoint]/[Tracepoint] its own partial struct.", source));
            return false;
        }

        /// <summary>Writes units into one file; units in the same namespace stay in separate blocks so order is the units' order.</summary>
        internal static string? Compose(IReadOnlyList<Unit> units)
        {
            var w = new CodeWriter();
            w.Line("// <auto-generated/>");
            w.Line("// Generated by Nectar from kernel BTF and tracepoint prototypes. Do not edit: regenerate.");
            w.Line("#nullable enable");
            w.Line("#pragma warning disable CS1591, CS0649, CS0169, CS0414 // fields written by the kernel, not by C#");
            w.Line();
            w.Line("using System.Runtime.CompilerServices;");
            w.Line("using System.Runtime.InteropServices;");
            bool any = false;
            foreach (Unit unit in units)
            {
                var body = new CodeWriter();
                unit.Write(body);
                string text = body.ToString();
                if (text.Length == 0) continue;
                w.Line();
                any = true;
                if (unit.Namespace != null) w.Open("namespace " + unit.Namespace);
                foreach (string containing in unit.Containing) w.Open(containing);
                foreach (string line in text.TrimEnd('\n').Split('\n')) w.Line(line);
                foreach (string _ in unit.Containing) w.Close();
                if (unit.Namespace != null) w.Close();
            }
            return any ? w.ToString() : null;
        }
    }
}
