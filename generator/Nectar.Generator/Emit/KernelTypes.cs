using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// The set of kernel types to emit: the requested ones plus whatever their layout needs by value
    /// (member types, array elements), each with its deterministic C# name. Pointed-to types are not
    /// added; a pointer is typed (<c>KernelPtr&lt;T&gt;</c>) only when T is in the set anyway.
    /// Generated types are public: a user's public event struct may expose them (KernelPtr&lt;task_struct&gt;).
    /// Generate them in one assembly of an application, and reference that one from the others.
    /// </summary>
    internal sealed class KernelTypes
    {
        public const string Namespace = "Nectar.Kernel";

        private readonly Btf.Btf _btf;
        private readonly Dictionary<uint, string> _cNames = new Dictionary<uint, string>();
        private readonly Func<string, string> _naming;
        private Dictionary<uint, string>? _csNames;

        /// <param name="naming">The C# name of a C type name: by default <see cref="Emit.CSharpNames.Pascal"/> (<c>task_struct</c> to <c>TaskStruct</c>).</param>
        public KernelTypes(Btf.Btf btf, Func<string, string>? naming = null)
        {
            _btf = btf;
            _naming = naming ?? Emit.CSharpNames.Pascal;
        }

        private readonly List<string> _clashes = new List<string>();

        /// <summary>Type names that clashed after conversion, as NECTAR021 messages (known once <see cref="CSharpNames"/> is).</summary>
        public IReadOnlyList<string> Clashes { get { _ = CSharpNames; return _clashes; } }

        public Btf.Btf Btf => _btf;

        /// <summary>
        /// Finds a type by C name: struct, then union, enum, typedef (a typedef of an anonymous struct
        /// is emitted under the typedef's name; of a named type, as that type). Null when unknown.
        /// </summary>
        public BtfType? Find(string name)
        {
            foreach (BtfKind kind in new[] { BtfKind.Struct, BtfKind.Union, BtfKind.Enum, BtfKind.Enum64 })
                if (_btf.FindByName(name, kind) is { } found) return found;
            if (_btf.FindByName(name, BtfKind.Typedef) is { } typedef)
            {
                BtfType target = _btf.SkipModifiersAndTypedefs(typedef.Id);
                if (target.IsComposite || target.IsEnum) return target;
            }
            return null;
        }

        /// <summary>
        /// For a typedef that <see cref="Find"/> refuses because it names a scalar, pointer or function
        /// (<c>pid_t</c>): what it stands for in C and, where there is one, in C#. Null for other names.
        /// </summary>
        public (string CType, string Underlying, string? CSharpType)? ScalarTypedef(string name)
        {
            if (_btf.FindByName(name, BtfKind.Typedef) is not { } typedef) return null;
            BtfType target = _btf.SkipModifiersAndTypedefs(typedef.Id);
            string? csharp = target.Kind == BtfKind.Int
                ? (target.IntEncoding & BtfIntEncoding.Bool) != 0 && target.Size == 1 ? "bool" : TypeMapper.IntegerKeyword(target.Size, target.IsSigned)
                : target.Kind == BtfKind.Ptr ? "KernelPtr"
                : target.Kind == BtfKind.Float ? (target.Size == 4 ? "float" : target.Size == 8 ? "double" : null)
                : null;
            return (CDeclarations.TypeName(_btf, typedef.TypeId), CDeclarations.TypeName(_btf, target.Id), csharp);
        }

        /// <summary>Names that a misspelt request may have meant.</summary>
        public IReadOnlyList<string> Suggest(string name) => BtfSuggestions.Closest(name,
            _btf.Types.Where(t => !t.IsAnonymous && (t.IsComposite || t.IsEnum || t.Kind == BtfKind.Typedef)).Select(t => t.Name));

        /// <summary>Adds a type (and by-value dependencies) to the set.</summary>
        public void Add(BtfType type, string cName)
        {
            if (_csNames != null) throw new InvalidOperationException("The set is frozen once names are assigned.");
            var work = new Queue<uint>();
            if (Register(type.Id, cName)) work.Enqueue(type.Id);
            while (work.Count > 0)
            {
                BtfType t = _btf.GetType(work.Dequeue());
                if (t.IsComposite) AddMemberDependencies(t, work, 0);
            }
        }

        private void AddMemberDependencies(BtfType composite, Queue<uint> work, int depth)
        {
            if (depth > 64) throw new BtfException($"{composite} nests anonymous members more than 64 deep: the BTF is cyclic.");
            for (int i = 0; i < composite.Vlen; i++)
            {
                uint id = composite.GetMember(i).TypeId;
                for (int hops = 0; ; hops++)
                {
                    (BtfType t, string? typedef) = Resolve(id);
                    if (t.Kind == BtfKind.Array && hops < 64) { id = t.Array.ElementTypeId; continue; }
                    if ((t.IsComposite || t.IsEnum) && NameOf(t, typedef) is { } name)
                    {
                        if (Register(t.Id, name)) work.Enqueue(t.Id);
                    }
                    else if (t.IsComposite)
                    {
                        AddMemberDependencies(t, work, depth + 1); // anonymous: emitted nested, its members count
                    }
                    break;
                }
            }
        }

        private bool Register(uint id, string cName)
        {
            if (_cNames.ContainsKey(id)) return false;
            _cNames.Add(id, cName);
            return true;
        }

        /// <summary>Follows modifiers and typedefs, remembering the last typedef name on the way.</summary>
        public (BtfType Type, string? Typedef) Resolve(uint id)
        {
            string? typedef = null;
            for (int depth = 0; depth < 64; depth++)
            {
                BtfType t = _btf.GetType(id);
                if (t.IsModifier) { id = t.TypeId; continue; }
                if (t.Kind == BtfKind.Typedef) { typedef = t.Name; id = t.TypeId; continue; }
                return (t, typedef);
            }
            throw new BtfException($"Type {id} leads to a chain of more than 64 modifiers or typedefs: the BTF is cyclic.");
        }

        /// <summary>The C name a composite or enum is emitted under: its own, else its typedef's; null if anonymous.</summary>
        public static string? NameOf(BtfType t, string? typedef) => !t.IsAnonymous ? t.Name : typedef;

        /// <summary>
        /// C# names, assigned once the set is complete, in C-name order (fewer leading underscores first): the C name by the naming rule; where two
        /// kinds share a C name (struct x and enum x), the later kind gets its kind's name: <c>XEnum</c>; where two C
        /// names become one C# name (<c>foo</c> and <c>__foo</c>), the later gets <c>_2</c> and the clash is reported.
        /// </summary>
        public IReadOnlyDictionary<uint, string> CSharpNames
        {
            get
            {
                if (_csNames != null) return _csNames;
                var names = new Dictionary<uint, string>();
                var used = new HashSet<string>(StringComparer.Ordinal);
                var cNameOf = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in _cNames.OrderBy(e => Emit.CSharpNames.LeadingUnderscores(e.Value)).ThenBy(e => e.Value, StringComparer.Ordinal).ThenBy(e => KindOrder(_btf.GetType(e.Key))).ThenBy(e => e.Key))
                {
                    string name = _naming(entry.Value);
                    BtfType t = _btf.GetType(entry.Key);
                    if (used.Contains(name) && cNameOf.TryGetValue(name, out string? first) && first == entry.Value)
                        name = name + Emit.CSharpNames.Pascal(t.Kind.ToString());
                    if (used.Contains(name) && cNameOf.TryGetValue(name, out string? other) && other != entry.Value)
                    {
                        string resolved = Emit.CSharpNames.Unique(name, used);
                        _clashes.Add($"C types '{other}' and '{entry.Value}' both become the C# name {name}: {other} keeps it, {entry.Value} is {resolved}.");
                        name = resolved;
                    }
                    else name = Emit.CSharpNames.Unique(name, used);
                    if (!cNameOf.ContainsKey(name)) cNameOf.Add(name, entry.Value);
                    names.Add(entry.Key, name);
                }
                _csNames = names;
                return names;
            }
        }

        private static int KindOrder(BtfType t) => t.Kind == BtfKind.Struct ? 0 : t.Kind == BtfKind.Union ? 1 : 2;

        /// <summary>The C# name of a type in the set, or null.</summary>
        public string? CSharpNameOf(uint id) => CSharpNames.TryGetValue(id, out string? name) ? name : null;

        /// <summary>The C name the type was registered under (for documentation).</summary>
        public string CNameOf(uint id) => _cNames[id];

        /// <summary>Ids of the set, ordered by C# name.</summary>
        public IEnumerable<uint> Ids => CSharpNames.OrderBy(e => e.Value, StringComparer.Ordinal).Select(e => e.Key);
    }
}
