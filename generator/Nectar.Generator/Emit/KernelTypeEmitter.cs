using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Nectar.Btf;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// Emits kernel structs, unions and enums with their exact BTF layout: explicit field offsets and
    /// size (Pack = 1, so the C# size is the C size, tail padding included); bitfields as properties
    /// over a storage field; anonymous members as nested types whose members are also reachable from
    /// the outer type (as <c>task.pid</c> is in C); flexible array members as span accessors.
    /// </summary>
    internal sealed class KernelTypeEmitter
    {
        private readonly KernelTypes _types;
        private readonly TypeMapper _map;

        public KernelTypeEmitter(KernelTypes types, InlineArrays arrays)
            : this(types, new TypeMapper(types, arrays, qualified: false))
        {
            _emitLayout = true;
        }

        /// <summary>What every <c>char name[N]</c> member's <c>NameText</c> accessor calls (emitted once per compilation with the inline arrays).</summary>
        public const string TextHelper = "global::Nectar.Kernel.KernelStrings.Decode";

        // Kernel types carry the layout they were generated from (BtfLayout), for the runtime to check
        // against the running kernel; a skeleton's types come from the object's own BTF and do not.
        private readonly bool _emitLayout;

        /// <summary>
        /// An emitter whose types reach each other and KernelPtr as <paramref name="map"/> spells them (skeletons nest them in a class).
        /// Every <c>char name[N]</c> member also gets <c>NameText</c>, its text up to the first NUL (through <see cref="TextHelper"/>).
        /// </summary>
        public KernelTypeEmitter(KernelTypes types, TypeMapper map)
        {
            _types = types;
            _map = map;
        }

        /// <summary>Whether an emitted type calls the text helper (so the caller makes sure it is emitted).</summary>
        public bool WroteText { get; private set; }

        private readonly List<string> _clashes = new List<string>();
        private readonly HashSet<string> _clashSeen = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Member names that clashed after conversion in the types emitted so far, as NECTAR021 messages, each once.</summary>
        public IReadOnlyList<string> Clashes => _clashes;

        private void Clash(string message)
        {
            if (_clashSeen.Add(message)) _clashes.Add(message);
        }

        private Btf.Btf Btf => _types.Btf;

        /// <summary>Emits one top-level type of the set.</summary>
        public void Emit(CodeWriter w, uint id)
        {
            BtfType t = Btf.GetType(id);
            string name = _types.CSharpNameOf(id)!;
            if (t.IsEnum) EmitEnum(w, t, name);
            else EmitComposite(w, t, name, Describe(t, _types.CNameOf(id)), topLevel: true, _types.CNameOf(id));
        }

        private static string Describe(BtfType t, string cName)
            => t.IsAnonymous ? "typedef " + (t.Kind == BtfKind.Union ? "union" : "struct") + " {...} " + cName : (t.Kind == BtfKind.Union ? "union " : "struct ") + cName;

        private void EmitEnum(CodeWriter w, BtfType t, string name)
        {
            string underlying = _map.Integer(t.Size, t.IsSigned);
            w.SummaryCode((t.IsAnonymous ? "typedef enum {...} " : "enum ") + _types.CNameOf(t.Id), ", " + t.Size + " bytes.");
            w.Open("public enum " + name + " : " + underlying);
            int bits = (int)Math.Min(8, Math.Max(1, t.Size)) * 8;
            Dictionary<string, string> enumerators = EnumeratorNames(t);
            foreach (BtfEnumValue v in t.EnumValues)
            {
                // Enumerator values wider than the declared size (BTF allows it) are truncated as C does.
                ulong raw = bits == 64 ? (ulong)v.Value : (ulong)v.Value & ((1UL << bits) - 1);
                string value = t.IsSigned
                    ? (bits == 64 ? (long)raw : (long)(raw << (64 - bits)) >> (64 - bits)).ToString(CultureInfo.InvariantCulture)
                    : raw.ToString(CultureInfo.InvariantCulture);
                w.Line("/// <summary><c>" + CodeWriter.Xml(v.Name) + "</c></summary>");
                w.Line(enumerators[v.Name] + " = " + value + ",");
            }
            w.Close();
        }

        /// <summary>The C# names of an enum's enumerators (the naming rule; a clash reported and resolved in declaration order).</summary>
        private Dictionary<string, string> EnumeratorNames(BtfType t)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal) { _types.CSharpNameOf(t.Id) ?? "" };
            var cOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (BtfEnumValue v in t.EnumValues.OrderBy(v => CSharpNames.LeadingUnderscores(v.Name)))
            {
                if (names.ContainsKey(v.Name)) continue;
                string name = CSharpNames.Pascal(v.Name);
                string resolved = CSharpNames.Unique(name, used);
                if (resolved != name && cOf.TryGetValue(name, out string? other))
                    Clash($"enum {_types.CNameOf(t.Id)}: enumerators '{other}' and '{v.Name}' both become {name}: {other} keeps it, {v.Name} is {resolved}.");
                cOf[resolved] = v.Name;
                names.Add(v.Name, resolved);
            }
            return names;
        }

        // A member as the emitter sees it after resolving types.
        private sealed class Member
        {
            public string Name = "";
            public string CName = "";        // as C names it ("" for an anonymous member)
            public string CDecl = "";
            public uint ByteOffset;
            public string? CsType;           // field or property type
            public bool IsBitfield;
            public uint BitOffset, BitSize;
            public uint TypeId;
            public bool Flexible;            // T name[] at the end
            public bool Skipped;             // zero-sized or unmappable: documented, not laid out
            public string? NestedTypeName;   // anonymous composite type: emitted nested under this name
            public BtfType Nested;
            public bool Anonymous;           // a member without a name: its members are flattened
            public List<uint>? Dimensions;   // an array of an anonymous composite: the element type is nested, the field is inline arrays of it
        }

        /// <param name="cOwner">How C reaches this type's members: <c>node</c>, <c>node.pos</c> (an anonymous member's are the outer type's).</param>
        private void EmitComposite(CodeWriter w, BtfType t, string name, string cDescription, bool topLevel, string cOwner)
        {
            List<Member> members = Members(t, name, nested: !topLevel);
            // Names the flattened members of anonymous members must not take: the type's own, and its members' below.
            var used = new HashSet<string>(StringComparer.Ordinal) { name };
            if (topLevel && _emitLayout) { used.Add("BtfLayout"); used.Add("BtfName"); }
            foreach (Member m in members)
            {
                if (!m.Skipped) used.Add(m.Name);
                if (m.NestedTypeName != null) used.Add(m.NestedTypeName);
            }
            w.SummaryCode(cDescription, ", " + t.Size + " bytes" + (t.Kind == BtfKind.Union ? " (all members at offset 0)." : "."));
            w.Line("[StructLayout(LayoutKind.Explicit, Size = " + t.Size + ", Pack = 1)]");
            w.Open("public partial struct " + name);
            var storage = new HashSet<(uint, uint)>();
            bool first = true;
            if (topLevel && _emitLayout)
            {
                w.Line("/// <summary>The C name of this type in BTF, by which <c>Nectar.KernelStruct&lt;T&gt;</c> finds it in the running kernel's.</summary>");
                w.Line("public const string BtfName = \"" + _types.CNameOf(t.Id) + "\";");
                w.Line();
                w.Line("/// <summary>The BTF layout this type was generated from (size, then each member C can name: bit offset and bits), which <c>Nectar.KernelStruct&lt;T&gt;</c> compares with the running kernel's.</summary>");
                EmitLayout(w, global::Nectar.Btf.BtfLayout.Format(t.Size, global::Nectar.Btf.BtfLayout.Flatten(Btf, t.Id)));
                first = false;
            }
            foreach (Member m in members)
            {
                if (!first) w.Line();
                first = false;
                if (m.Skipped)
                {
                    w.Line("// " + m.CDecl + "; at offset " + m.ByteOffset + ": no field (zero-sized, unnamed, or without a C# type).");
                    continue;
                }
                if (m.Flexible)
                {
                    EmitFlexible(w, m);
                    continue;
                }
                if (m.IsBitfield)
                {
                    EmitBitfield(w, t, cOwner, m, storage);
                    continue;
                }
                if (m.CsType!.StartsWith(_map.RuntimePrefix + "KernelPtr<", StringComparison.Ordinal))
                {
                    // Typed pointers are properties over an untyped field: the runtime cannot load an
                    // explicit-layout struct whose field type is generic over a type that (through
                    // other by-value fields) contains the struct again, as address_space holds a
                    // KernelPtr<inode> and inode holds an address_space.
                    string pointerField = "_" + m.Name;
                    w.Line("[FieldOffset(" + m.ByteOffset + ")] private " + _map.RuntimePrefix + "KernelPtr " + pointerField + ";");
                    w.Line();
                    w.SummaryCode(m.CDecl + ";", Where(cOwner, m) + " at offset " + m.ByteOffset + ".");
                    w.Line("public " + m.CsType + " " + m.Name + " { readonly get => new " + m.CsType + "(" + pointerField + ".Address); set => " + pointerField + " = value.Untyped; }");
                    continue;
                }
                w.SummaryCode(m.CDecl + ";", Where(cOwner, m) + " at offset " + m.ByteOffset + (m.Anonymous ? "; its members are also reachable from " + name + "." : "."));
                w.Line("[FieldOffset(" + m.ByteOffset + ")] public " + m.CsType + " " + m.Name + ";");
                if (IsCharArray(m.TypeId) && used.Add(m.Name + "Text"))
                {
                    WroteText = true;
                    w.Line();
                    w.Line("/// <summary><c>" + CodeWriter.Xml(m.CName) + "</c> as text: UTF-8 up to its first NUL.</summary>");
                    w.Line("public readonly string " + m.Name + "Text => " + TextHelper + "(" + m.Name + ");");
                }
                if (m.Anonymous)
                    foreach ((string inner, string cName, string type, string cDecl) in Visible(m.Nested, m.NestedTypeName!, 0))
                    {
                        string outer = CSharpNames.Unique(inner, used);
                        if (outer != inner)
                            Clash($"{Describe(t, cOwner)}: '{cName}' (reachable through an anonymous member) becomes {inner}, a name the type already has: it is {outer}.");
                        w.Line();
                        w.SummaryCode(cDecl + ";", " (C: " + cOwner + "." + cName + "), through " + m.Name + ".");
                        w.Line("public " + type + " " + outer + " { readonly get => " + m.Name + "." + inner + "; set => " + m.Name + "." + inner + " = value; }");
                    }
            }
            foreach (Member m in members)
            {
                if (m.NestedTypeName == null) continue;
                w.Line();
                string description = m.Dimensions != null ? CDeclarations.TypeName(Btf, m.Nested.Id) + ", the element type of " + m.CName + string.Concat(m.Dimensions.Select(d => "[" + d + "]")) : m.CDecl;
                EmitComposite(w, m.Nested, m.NestedTypeName, description, topLevel: false, m.CName.Length == 0 ? cOwner : cOwner + "." + m.CName);
            }
            w.Close();
        }

        // The C name users search for: "(C: task_struct.pid)".
        private static string Where(string cOwner, Member m) => m.CName.Length == 0 ? "" : " (C: " + cOwner + "." + m.CName + ")";

        // The layout text, eight members a line so a large type stays readable.
        private static void EmitLayout(CodeWriter w, string layout)
        {
            string[] parts = layout.Split(';');
            if (parts.Length <= 9)
            {
                w.Line("public const string BtfLayout = \"" + layout + "\";");
                return;
            }
            w.Line("public const string BtfLayout =");
            for (int i = 0; i < parts.Length; i += 8)
            {
                int count = Math.Min(8, parts.Length - i);
                bool last = i + count >= parts.Length;
                w.Line("    \"" + string.Join(";", parts, i, count) + (last ? "\";" : ";\" +"));
            }
        }

        private List<Member> Members(BtfType t, string ownerName, bool nested)
        {
            var result = new List<Member>();
            int anonymous = 0;
            // C# names: nested types first (derived from member names), then members in declaration order. A member
            // named as its type gets a trailing underscore (C# forbids the same name); two C names that become one
            // C# name are a clash: the first keeps it, the later gets _2 (CSharpNames.Unique), with a NECTAR021 warning.
            var used = new HashSet<string>(StringComparer.Ordinal) { ownerName };
            var cOf = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < t.Vlen; i++)
            {
                BtfMember bm = t.GetMember(i);
                var m = new Member
                {
                    TypeId = bm.TypeId,
                    ByteOffset = bm.BitOffset / 8,
                    BitOffset = bm.BitOffset,
                    BitSize = bm.BitfieldSize,
                    IsBitfield = bm.IsBitfield,
                };
                (BtfType type, string? typedef) = _types.Resolve(bm.TypeId);
                if (bm.Name.Length == 0 && !type.IsComposite)
                {
                    // "int :3;" pads; it has no name to give an accessor.
                    m.CDecl = CDeclarations.TypeName(Btf, bm.TypeId) + " : " + bm.BitfieldSize + " (unnamed padding)";
                    m.Skipped = true;
                    result.Add(m);
                    continue;
                }
                if (bm.Name.Length == 0)
                {
                    m.Anonymous = type.IsComposite;
                    m.Name = "Anonymous" + anonymous;
                    // Unique inside the enclosing type: Anon0 at the top, Anon0_1 inside Anon0 (a nested type may not share its parent's name).
                    m.NestedTypeName = nested ? ownerName + "_" + anonymous : "Anon" + anonymous;
                    anonymous++;
                    m.CDecl = CDeclarations.TypeName(Btf, bm.TypeId);
                }
                else
                {
                    m.CName = bm.Name;
                    m.Name = CSharpNames.Pascal(bm.Name);
                    if (m.Name == ownerName) m.Name += "_";
                    m.CDecl = CDeclarations.Declaration(Btf, bm.TypeId, bm.Name) + (bm.IsBitfield ? " : " + bm.BitfieldSize : "");
                    if (type.IsComposite && KernelTypes.NameOf(type, typedef) == null) m.NestedTypeName = m.Name + "Type";
                    else if (AnonymousArrayElement(type) is { } element)
                    {
                        // "struct {...} slots[4]": the element type has no name to map to, so it is nested
                        // like an anonymous member's type and the field is an inline array of it.
                        m.NestedTypeName = m.Name + "Type";
                        m.Nested = element.Element;
                        m.Dimensions = element.Dimensions;
                        m.CsType = ArrayOf(m.NestedTypeName, m.Dimensions);
                    }
                }
                if (m.Dimensions != null)
                {
                    // Nested element type and inline-array field type were chosen above.
                }
                else if (m.NestedTypeName != null && type.IsComposite && KernelTypes.NameOf(type, typedef) == null)
                {
                    m.Nested = type;
                    m.CsType = m.NestedTypeName;
                }
                else
                {
                    m.NestedTypeName = null;
                    m.Anonymous = false;
                    if (type.Kind == BtfKind.Array && type.Array.Count == 0) m.Flexible = true;
                    m.CsType = m.Flexible ? _map.Map(type.Array.ElementTypeId) : _map.Map(bm.TypeId);
                }
                if (!m.IsBitfield && !m.Flexible && (m.CsType == null || SizeOrZero(bm.TypeId) == 0)) m.Skipped = true;
                if (m.Flexible && m.CsType == null) m.Skipped = true;
                result.Add(m);
            }
            foreach (Member m in result)
            {
                if (m.NestedTypeName == null) continue;
                string unique = CSharpNames.Unique(m.NestedTypeName, used);
                if (unique != m.NestedTypeName)
                {
                    Clash($"{Describe(t, t.IsAnonymous ? ownerName : t.Name)}: the type of member '{(m.CName.Length == 0 ? m.Name : m.CName)}' would be named {m.NestedTypeName}, which is taken: it is {unique}.");
                    if (m.Dimensions != null) m.CsType = ArrayOf(unique, m.Dimensions);
                    else if (m.CsType == m.NestedTypeName) m.CsType = unique;
                    m.NestedTypeName = unique;
                }
            }
            // Fewer leading underscores first (d_name keeps DName, __d_name is DName_2), then declaration order.
            foreach (Member m in result.Where(m => !m.Skipped).OrderBy(m => CSharpNames.LeadingUnderscores(m.CName)).ToList())
            {
                string name = m.Name;
                string unique = CSharpNames.Unique(name, used);
                if (unique != name)
                    Clash(cOf.TryGetValue(name, out string? other)
                        ? $"{Describe(t, t.IsAnonymous ? ownerName : t.Name)}: members '{other}' and '{m.CName}' both become {name}: {other} keeps it, {m.CName} is {unique}."
                        : $"{Describe(t, t.IsAnonymous ? ownerName : t.Name)}: member '{m.CName}' becomes {name}, the name of a nested type: it is {unique}.");
                cOf[unique] = m.CName;
                m.Name = unique;
            }
            return result;
        }

        /// <summary>
        /// For an array (of arrays...) whose innermost element is an anonymous struct or union: that element
        /// and the counts, outermost first. Null for anything else, and for flexible arrays.
        /// </summary>
        private (BtfType Element, List<uint> Dimensions)? AnonymousArrayElement(BtfType type)
        {
            var dimensions = new List<uint>();
            while (type.Kind == BtfKind.Array && dimensions.Count <= 64)
            {
                if (type.Array.Count == 0) return null;
                dimensions.Add(type.Array.Count);
                BtfType element;
                string? typedef;
                (element, typedef) = _types.Resolve(type.Array.ElementTypeId);
                if (element.IsComposite)
                    return KernelTypes.NameOf(element, typedef) == null ? (element, dimensions) : null;
                type = element;
            }
            return null;
        }

        /// <summary><c>InlineArray2&lt;InlineArray3&lt;T&gt;&gt;</c> for <c>T name[2][3]</c>.</summary>
        private string ArrayOf(string element, List<uint> dimensions)
        {
            string type = element;
            for (int i = dimensions.Count - 1; i >= 0; i--) type = _map.ArrayOf(dimensions[i], type);
            return type;
        }

        /// <summary>Whether a type is a one-dimensional array of C chars (<c>char comm[16]</c>), which maps to bytes and gets a text accessor.</summary>
        private bool IsCharArray(uint id)
        {
            (BtfType t, _) = _types.Resolve(id);
            if (t.Kind != BtfKind.Array || t.Array.Count == 0) return false;
            return TypeMapper.IsChar(_types.Resolve(t.Array.ElementTypeId).Type);
        }

        private uint SizeOrZero(uint id)
        {
            try { return Btf.SizeOf(id); }
            catch (BtfException) { return 0; }
        }

        /// <summary>The members reachable by name from an anonymous member's type, with their types as seen from the outer type.</summary>
        private IEnumerable<(string Name, string CName, string Type, string CDecl)> Visible(BtfType t, string typePrefix, int depth)
        {
            if (depth > 64) yield break;
            foreach (Member m in Members(t, typePrefix.Substring(typePrefix.LastIndexOf('.') + 1), nested: true))
            {
                if (m.Skipped || m.Flexible) continue;
                string type = m.Dimensions != null ? ArrayOf(typePrefix + "." + m.NestedTypeName, m.Dimensions)
                    : m.NestedTypeName != null ? typePrefix + "." + m.CsType : m.IsBitfield ? BitfieldType(m) : m.CsType!;
                if (m.Anonymous)
                {
                    foreach (var inner in Visible(m.Nested, typePrefix + "." + m.NestedTypeName, depth + 1)) yield return inner;
                }
                else yield return (m.Name, m.CName, type, m.CDecl);
            }
        }

        private void EmitFlexible(CodeWriter w, Member m)
        {
            w.Line("/// <summary><c>" + CodeWriter.Xml(m.CDecl) + ";</c> (C: " + CodeWriter.Xml(m.CName) + ") at offset " + m.ByteOffset + ": a flexible array member, outside the struct's size.");
            w.Line("/// Pass the bytes of the whole object (from its start) and the element count the object says it holds.</summary>");
            w.Line("public static global::System.ReadOnlySpan<" + m.CsType + "> Get" + m.Name + "(global::System.ReadOnlySpan<byte> whole, int count)");
            w.Line("    => global::System.Runtime.InteropServices.MemoryMarshal.Cast<byte, " + m.CsType + ">(whole.Slice(" + m.ByteOffset +
                   ", checked(count * Unsafe.SizeOf<" + m.CsType + ">())));");
        }

        private string BitfieldType(Member m)
        {
            (BtfType t, _) = _types.Resolve(m.TypeId);
            if (t.Kind == BtfKind.Int && (t.IntEncoding & BtfIntEncoding.Bool) != 0) return "bool";
            return _map.Map(m.TypeId) ?? "ulong";
        }

        /// <summary>
        /// A bitfield reads and writes the smallest 1/2/4/8-byte storage that covers its bits and lies
        /// inside the struct (little-endian: bit n of the struct is bit n%8 of byte n/8).
        /// </summary>
        private void EmitBitfield(CodeWriter w, BtfType owner, string cOwner, Member m, HashSet<(uint, uint)> storage)
        {
            uint first = m.BitOffset / 8;
            uint width = 1;
            while (width < 8 && width * 8 < m.BitOffset % 8 + m.BitSize) width *= 2;
            uint start = first + width > owner.Size && owner.Size >= width ? owner.Size - width : first;
            uint shift = m.BitOffset - start * 8;
            if (shift + m.BitSize > 64)
            {
                w.Line("// " + m.CDecl + "; at bit " + m.BitOffset + ": straddles 8 bytes, so no accessor.");
                return;
            }
            string storageType = width == 1 ? "byte" : width == 2 ? "ushort" : width == 4 ? "uint" : "ulong";
            string field = "_bits" + start + "_" + (width * 8);
            if (storage.Add((start, width)))
            {
                w.Line("[FieldOffset(" + start + ")] private " + storageType + " " + field + ";");
                w.Line();
            }
            string type = BitfieldType(m);
            string mask = m.BitSize >= 64 ? "ulong.MaxValue" : "0x" + ((1UL << (int)m.BitSize) - 1).ToString("X", CultureInfo.InvariantCulture) + "UL";
            string shifted = shift == 0 ? "(ulong)" + field : "((ulong)" + field + " >> " + shift + ")";
            string raw = shifted + " & " + mask;
            string shiftedMask = shift == 0 ? mask : "(" + mask + " << " + shift + ")";
            (BtfType resolved, _) = _types.Resolve(m.TypeId);
            bool signed = (resolved.Kind == BtfKind.Int || resolved.IsEnum) && resolved.IsSigned;
            string get = type == "bool" ? "(" + raw + ") != 0"
                : signed ? "unchecked((" + type + ")((long)((ulong)" + field + " << " + (64 - shift - m.BitSize) + ") >> " + (64 - m.BitSize) + "))"
                : "unchecked((" + type + ")(" + raw + "))";
            string value = type == "bool" ? "(value ? 1UL : 0UL)" : "(ulong)value";
            string placed = shift == 0 ? "(" + value + " & " + mask + ")" : "((" + value + " & " + mask + ") << " + shift + ")";
            string set = field + " = unchecked((" + storageType + ")(((ulong)" + field + " & ~" + shiftedMask + ") | " + placed + "))";
            w.SummaryCode(m.CDecl + ";", Where(cOwner, m) + " bits " + m.BitOffset + ".." + (m.BitOffset + m.BitSize - 1) + " of the struct.");
            w.Line("public " + type + " " + m.Name + " { readonly get => " + get + "; set => " + set + "; }");
        }
    }
}
