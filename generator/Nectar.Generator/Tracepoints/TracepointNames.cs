using System;
using System.Collections.Generic;
using Nectar.Btf;

namespace Nectar.Generator.Tracepoints
{
    /// <summary>Where the names of a raw tracepoint's arguments came from, best first.</summary>
    internal enum TracepointNameSource
    {
        /// <summary>The tracepoint's own <c>__traceiter_&lt;name&gt;</c> FUNC in BTF.</summary>
        Traceiter,

        /// <summary>Its event class's <c>__bpf_trace_&lt;class&gt;</c> FUNC in BTF (kernels whose BTF lacks the traceiter).</summary>
        EventClass,

        /// <summary>A TP_PROTO in the kernel trace headers given as input.</summary>
        Header,

        /// <summary>Nowhere: the arguments are numbered.</summary>
        None,
    }

    /// <summary>
    /// A raw tracepoint's arguments: the types of its <c>btf_trace_&lt;name&gt;</c> typedef (without
    /// the <c>__data</c> cookie), their names (null for <see cref="TracepointNameSource.None"/>),
    /// where the names came from, and the symbol or header that gave them (for listings).
    /// </summary>
    internal sealed class NamedTracepoint
    {
        public NamedTracepoint(string name, IReadOnlyList<BtfParam> arguments, IReadOnlyList<string>? names, TracepointNameSource source, string? origin)
        {
            Name = name;
            Arguments = arguments;
            Names = names;
            Source = source;
            Origin = origin;
        }

        public string Name { get; }
        public IReadOnlyList<BtfParam> Arguments { get; }
        public IReadOnlyList<string>? Names { get; }
        public TracepointNameSource Source { get; }
        public string? Origin { get; }

        /// <summary>The C name of argument <paramref name="i"/>: its resolved name, else <c>arg{i}</c>.</summary>
        public string NameOf(int i) => Names != null && i < Names.Count ? Names[i] : "arg" + i;
    }

    /// <summary>
    /// Names raw tracepoint arguments from the kernel's own BTF. The <c>btf_trace_&lt;name&gt;</c>
    /// typedef has the types but, being a pointer-to-function typedef, no parameter names. Two FUNCs
    /// the kernel compiles for every tracepoint carry them: <c>int __traceiter_&lt;name&gt;(void *__data, TP_PROTO...)</c>
    /// (in the BTF of every kernel since 5.10 that keeps the FUNC, all of them on recent ones) and the
    /// BPF glue of its event class <c>void __bpf_trace_&lt;class&gt;(void *__data, TP_PROTO...)</c> (older
    /// kernels keep more of these). The resolution order per tracepoint is traceiter, then the class
    /// (named like the event for TRACE_EVENT, else the class a header says, else the one class whose
    /// prototype has the same types or several that agree on names), then the header's TP_PROTO names,
    /// then none. A FUNC is used only where its types equal the typedef's, so names never shift.
    /// </summary>
    internal sealed class TracepointNames
    {
        private const string TypedefPrefix = "btf_trace_";
        private const string TraceiterPrefix = "__traceiter_";
        private const string ClassPrefix = "__bpf_trace_";

        private readonly Btf.Btf _btf;
        private readonly IReadOnlyDictionary<string, TracepointPrototype> _headers;
        private readonly bool _useTraceiter;
        private Dictionary<string, List<BtfType>>? _classesByTypes;

        /// <param name="headers">TP_PROTO prototypes by tracepoint name (events, not classes), for kernels whose BTF names too few.</param>
        /// <param name="useTraceiter">False skips the traceiter step (to measure what the fallbacks alone name, as on older kernels).</param>
        public TracepointNames(Btf.Btf btf, IReadOnlyDictionary<string, TracepointPrototype> headers, bool useTraceiter = true)
        {
            _btf = btf;
            _headers = headers;
            _useTraceiter = useTraceiter;
        }

        /// <summary>Every tracepoint name that has a <c>btf_trace_</c> typedef, in BTF order.</summary>
        public IEnumerable<string> All()
        {
            foreach (BtfType type in _btf.Types)
                if (type.Kind == BtfKind.Typedef && type.Name.StartsWith(TypedefPrefix, StringComparison.Ordinal))
                    yield return type.Name.Substring(TypedefPrefix.Length);
        }

        /// <summary>The tracepoint's typed and (where any source has them) named arguments; null when BTF has no <c>btf_trace_</c> typedef for it.</summary>
        public NamedTracepoint? Resolve(string tracepoint)
        {
            if (_btf.FindRawTracepointArguments(tracepoint) is not { } arguments)
                return null;

            if (_useTraceiter && NamesOf(TraceiterPrefix + tracepoint, arguments) is { } fromIter)
                return new NamedTracepoint(tracepoint, arguments, fromIter, TracepointNameSource.Traceiter, TraceiterPrefix + tracepoint);

            _headers.TryGetValue(tracepoint, out TracepointPrototype? header);
            foreach (string? candidate in new[] { tracepoint, header?.EventClass })
                if (candidate != null && NamesOf(ClassPrefix + candidate, arguments) is { } fromClass)
                    return new NamedTracepoint(tracepoint, arguments, fromClass, TracepointNameSource.EventClass, ClassPrefix + candidate);
            if (ClassBySignature(arguments) is { } matched)
                return new NamedTracepoint(tracepoint, arguments, matched.Names, TracepointNameSource.EventClass, matched.Origin);

            if (header != null && header.Parameters.Count == arguments.Count)
            {
                var names = new string[arguments.Count];
                for (int i = 0; i < names.Length; i++) names[i] = header.Parameters[i].Name;
                return new NamedTracepoint(tracepoint, arguments, names, TracepointNameSource.Header, header.Macro + " " + header.Name);
            }
            return new NamedTracepoint(tracepoint, arguments, null, TracepointNameSource.None, null);
        }

        /// <summary>
        /// The event classes whose <c>__bpf_trace_&lt;class&gt;</c> FUNC takes this tracepoint's argument
        /// types: a DEFINE_EVENT's class is among them (often alone). Empty when BTF has no typedef for it.
        /// </summary>
        public IReadOnlyList<string> ClassesWithPrototypeOf(string tracepoint)
        {
            if (_btf.FindRawTracepointArguments(tracepoint) is not { } arguments
                || !ClassesByTypes().TryGetValue(Key(arguments, 0), out List<BtfType>? classes))
                return Array.Empty<string>();
            var names = new List<string>(classes.Count);
            foreach (BtfType func in classes) names.Add(func.Name.Substring(ClassPrefix.Length));
            return names;
        }

        // The names of FUNC `symbol`'s parameters after __data, when its types are the tracepoint's.
        private string[]? NamesOf(string symbol, IReadOnlyList<BtfParam> arguments)
            => _btf.FindByName(symbol, BtfKind.Func) is { } func ? NamesIfSameTypes(func, arguments) : null;

        private string[]? NamesIfSameTypes(BtfType func, IReadOnlyList<BtfParam> arguments)
        {
            BtfType proto = _btf.GetType(func.TypeId);
            if (proto.Kind != BtfKind.FuncProto) return null;
            IReadOnlyList<BtfParam> ps = proto.Params;
            if (ps.Count != arguments.Count + 1) return null;
            var names = new string[arguments.Count];
            for (int i = 0; i < names.Length; i++)
            {
                BtfParam p = ps[i + 1];
                if (p.TypeId != arguments[i].TypeId || p.Name.Length == 0) return null;
                names[i] = p.Name;
            }
            return names;
        }

        // An event class found by its prototype alone: the only __bpf_trace_ FUNC with these types, or
        // several that name the parameters alike (the names are then right whichever class it is).
        private (string[] Names, string Origin)? ClassBySignature(IReadOnlyList<BtfParam> arguments)
        {
            if (!ClassesByTypes().TryGetValue(Key(arguments, 0), out List<BtfType>? classes))
                return null;
            string[]? names = null;
            foreach (BtfType func in classes)
            {
                string[]? these = NamesIfSameTypes(func, arguments);
                if (these == null) continue;
                if (names != null && !SameNames(names, these)) return null;
                names = these;
            }
            if (names == null) return null;
            string origin = classes.Count == 1 ? classes[0].Name : classes[0].Name + " (and " + (classes.Count - 1) + " more classes of this prototype)";
            return (names, origin);
        }

        private Dictionary<string, List<BtfType>> ClassesByTypes()
        {
            if (_classesByTypes != null) return _classesByTypes;
            var index = new Dictionary<string, List<BtfType>>(StringComparer.Ordinal);
            foreach (BtfType type in _btf.Types)
            {
                if (type.Kind != BtfKind.Func || !type.Name.StartsWith(ClassPrefix, StringComparison.Ordinal)) continue;
                BtfType proto = _btf.GetType(type.TypeId);
                if (proto.Kind != BtfKind.FuncProto || proto.Vlen == 0) continue;
                string key = Key(proto.Params, 1);
                if (!index.TryGetValue(key, out List<BtfType>? list)) index.Add(key, list = new List<BtfType>());
                list.Add(type);
            }
            return _classesByTypes = index;
        }

        private static string Key(IReadOnlyList<BtfParam> ps, int skip)
        {
            var ids = new string[ps.Count - skip];
            for (int i = skip; i < ps.Count; i++) ids[i - skip] = ps[i].TypeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return string.Join(",", ids);
        }

        private static bool SameNames(string[] a, string[] b)
        {
            for (int i = 0; i < a.Length; i++)
                if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
            return true;
        }
    }
}
