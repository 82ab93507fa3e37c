using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Generator.Model;
using Nectar.Generator.Tracepoints;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// Emits the record of a classic tracepoint (what a BPF program attached to
    /// <c>tracepoint/&lt;system&gt;/&lt;event&gt;</c> receives): the common header and the event's
    /// fields at their offsets, from the tracefs format file, or else from BTF's
    /// <c>trace_event_raw_&lt;event or class&gt;</c>. <c>__data_loc</c> fields get accessors that
    /// decode the (offset, length) word against the record's bytes.
    /// </summary>
    internal sealed class TracepointRecordEmitter
    {
        private readonly Btf.Btf? _btf;
        private readonly InlineArrays _arrays;
        private readonly TypeMapper? _map;

        public TracepointRecordEmitter(KernelTypes? types, InlineArrays arrays)
        {
            _btf = types?.Btf;
            _arrays = arrays;
            _map = types == null ? null : new TypeMapper(types, arrays, qualified: true);
        }

        /// <summary>One field, whichever source it came from.</summary>
        /// <remarks><paramref name="Flexible"/>: a trailing <c>type name[]</c> of size 0 (ftrace's own events), read as the record's bytes from its offset on.</remarks>
        internal sealed record Field(string CName, string CDecl, int Offset, int Size, string CsType, bool DataLoc, bool RelLoc, bool CharArray, bool Flexible = false);

        /// <summary>The fields of a format file.</summary>
        public IReadOnlyList<Field> FromFormat(TraceFormat format)
            => format.Fields.Select(f => new Field(f.Name, f.Declaration, f.Offset, f.Size, f.Size == 0 ? "" : FormatFieldType(f), f.DataLoc, f.RelLoc,
                f.ArrayLength != 0 && f.CType == "char", Flexible: f.Size == 0 && !f.DataLoc && !f.RelLoc)).ToList();

        /// <summary>The fields of <c>trace_event_raw_&lt;name&gt;</c>, with <c>struct trace_entry ent</c> spelt out as the common_ fields.</summary>
        public IReadOnlyList<Field>? FromBtf(string rawName)
        {
            if (_btf == null || _map == null || _btf.FindByName("trace_event_raw_" + rawName, BtfKind.Struct) is not { } raw) return null;
            var fields = new List<Field>();
            foreach (BtfMember m in raw.Members)
            {
                BtfType type = _btf.SkipModifiersAndTypedefs(m.TypeId);
                if (m.Name == "ent" && type.IsComposite)
                {
                    foreach (BtfMember c in type.Members)
                        fields.Add(BtfField("common_" + c.Name, c, (int)m.ByteOffset));
                    continue;
                }
                if (type.Kind == BtfKind.Array && type.Array.Count == 0) continue; // __data[]: where dynamic payloads live
                if (m.Name.StartsWith("__data_loc_", StringComparison.Ordinal) || m.Name.StartsWith("__rel_loc_", StringComparison.Ordinal))
                {
                    bool rel = m.Name.StartsWith("__rel_loc_", StringComparison.Ordinal);
                    string name = m.Name.Substring(rel ? "__rel_loc_".Length : "__data_loc_".Length);
                    // BTF does not say what a __data_loc payload holds (strings mostly): the text accessor is offered, the byte one is exact.
                    fields.Add(new Field(name, (rel ? "__rel_loc " : "__data_loc ") + "u32 " + name, (int)m.ByteOffset, 4, "uint", !rel, rel, CharArray: true));
                    continue;
                }
                fields.Add(BtfField(m.Name, m, 0));
            }
            return fields;
        }

        private Field BtfField(string name, BtfMember m, int baseOffset)
        {
            string csType = _map!.Map(m.TypeId) ?? _arrays.TypeName(Math.Max(1u, _btf!.SizeOf(m.TypeId)), "byte");
            BtfType t = _btf!.SkipModifiersAndTypedefs(m.TypeId);
            bool charArray = t.Kind == BtfKind.Array && _btf.SkipModifiersAndTypedefs(t.Array.ElementTypeId) is { Kind: BtfKind.Int, Size: 1 } e && e.Name == "char";
            return new Field(name, CDeclarations.Declaration(_btf, m.TypeId, name.StartsWith("common_", StringComparison.Ordinal) ? name.Substring(7) : name),
                baseOffset + (int)m.ByteOffset, (int)_btf.SizeOf(m.TypeId), csType, false, false, charArray);
        }

        private string FormatFieldType(TraceFormatField f)
        {
            const string prefix = "global::" + KernelTypes.Namespace + ".";
            if (f.DataLoc || f.RelLoc) return "uint";
            if (f.CType.EndsWith("*", StringComparison.Ordinal) && f.Size == 8) return "global::Nectar.KernelPtr";
            // A scalar in a wider slot (syscall records store every argument as an unsigned long: "int dfd; size:8;
            // signed:0;") is its C type in the slot's low bytes (little-endian), so "int dfd" is an int, not a ulong.
            if (f.ArrayLength == 0 && NaturalScalar(f.CType) is { } natural && natural.Size <= f.Size) return natural.CsType;
            if (f.ArrayLength > 0 && f.Size % f.ArrayLength == 0)
            {
                int elementSize = f.Size / f.ArrayLength;
                string element = f.CType == "char" ? "byte" : Scalar(f.CType, elementSize, f.Signed) ?? prefix + _arrays.TypeName((uint)elementSize, "byte");
                return prefix + _arrays.TypeName((uint)f.ArrayLength, element);
            }
            if (f.ArrayLength != 0) return prefix + _arrays.TypeName((uint)f.Size, "byte");
            return Scalar(f.CType, f.Size, f.Signed) ?? prefix + _arrays.TypeName((uint)f.Size, "byte");
        }

        /// <summary>
        /// The C# type and size of a scalar C type a format file names: C's own integer types and the kernel's fixed-width
        /// ones by name, anything else (<c>pid_t</c>, <c>umode_t</c>) through the BTF typedef when there is BTF. Null when unknown.
        /// </summary>
        private (string CsType, int Size)? NaturalScalar(string cType)
        {
            string c = string.Join(" ", cType.Replace("const ", "").Replace("volatile ", "").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
            switch (c)
            {
                case "bool": case "_Bool": return ("bool", 1);
                case "char": return ("byte", 1);
                case "signed char": case "s8": case "__s8": return ("sbyte", 1);
                case "unsigned char": case "u8": case "__u8": return ("byte", 1);
                case "short": case "signed short": case "short int": case "s16": case "__s16": return ("short", 2);
                case "unsigned short": case "unsigned short int": case "u16": case "__u16": return ("ushort", 2);
                case "int": case "signed int": case "signed": case "s32": case "__s32": return ("int", 4);
                case "unsigned int": case "unsigned": case "u32": case "__u32": return ("uint", 4);
                case "long": case "long int": case "signed long": case "long long": case "long long int": case "s64": case "__s64": return ("long", 8);
                case "unsigned long": case "unsigned long int": case "unsigned long long": case "unsigned long long int": case "u64": case "__u64": case "size_t": return ("ulong", 8);
            }
            if (_btf == null || c.IndexOf(' ') >= 0 || _btf.FindByName(c, BtfKind.Typedef) is not { } typedef) return null;
            BtfType target = _btf.SkipModifiersAndTypedefs(typedef.Id);
            if (target.Kind != BtfKind.Int) return null;
            if ((target.IntEncoding & BtfIntEncoding.Bool) != 0 && target.Size == 1) return ("bool", 1);
            return TypeMapper.IntegerKeyword(target.Size, target.IsSigned) is { } keyword ? (keyword, (int)target.Size) : null;
        }

        private static string? Scalar(string cType, int size, bool signed)
            => cType == "bool" && size == 1 ? "bool" : TypeMapper.IntegerKeyword((uint)size, signed);

        /// <summary>Writes the user's partial struct body; the caller has written the StructLayout attribute line.</summary>
        /// <param name="typeName">The record's C# name (no member may share it).</param>
        /// <param name="clash">Told each name clash (NECTAR021), as its message.</param>
        public static void EmitMembers(CodeWriter w, string system, string eventName, IReadOnlyList<Field> fields, string source, string typeName, Action<string> clash)
        {
            w.Line("/// <summary>The tracepoint this record belongs to: <c>" + system + "/" + eventName + "</c> (fields from " + CodeWriter.Xml(source) + ").</summary>");
            w.Line("public const string TracepointName = \"" + system + "/" + eventName + "\";");
            var used = new HashSet<string>(StringComparer.Ordinal) { "TracepointName", typeName };
            var cOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Field f in fields)
            {
                string pascal = CSharpNames.Pascal(f.CName);
                if (pascal == typeName) pascal += "_";
                string name = CSharpNames.Unique(pascal, used);
                if (name != pascal)
                    clash(cOf.TryGetValue(pascal, out string? other)
                        ? $"tracepoint/{system}/{eventName}: fields '{other}' and '{f.CName}' both become {pascal}: {other} keeps it, {f.CName} is {name}."
                        : $"tracepoint/{system}/{eventName}: field '{f.CName}' becomes {pascal}, which the record already has: it is {name}.");
                cOf[name] = f.CName;
                // The accessors that go with a field take its name plus a suffix; they are reserved with it.
                if (f.DataLoc || f.RelLoc) { used.Add(name + "Location"); used.Add("Get" + name); used.Add("Get" + name + "Text"); }
                else if (f.Flexible) { used.Add("Get" + name); used.Add("Get" + name + "Text"); }
                else if (f.CharArray) used.Add(name + "Text");
                w.Line();
                if (f.DataLoc || f.RelLoc)
                {
                    string field = name + "Location";
                    w.SummaryCode(f.CDecl + ";", " (C: " + eventName + "." + f.CName + ") at offset " + f.Offset + ": the payload's " + (f.RelLoc ? "offset relative to the end of this field" : "offset in the record") + " (low 16 bits) and length (high 16 bits).");
                    w.Line("[FieldOffset(" + f.Offset + ")] public uint " + field + ";");
                    w.Line();
                    string start = f.RelLoc ? f.Offset + 4 + " + (int)(" + field + " & 0xFFFF)" : "(int)(" + field + " & 0xFFFF)";
                    w.Line("/// <summary>The bytes of <c>" + f.CName + "</c>, found through " + field + " in <paramref name=\"record\"/> (the whole record, from its first byte).</summary>");
                    w.Line("public readonly global::System.ReadOnlySpan<byte> Get" + name + "(global::System.ReadOnlySpan<byte> record) => record.Slice(" + start + ", (int)(" + field + " >> 16));");
                    if (f.CharArray)
                    {
                        w.Line();
                        w.Line("/// <summary><c>" + f.CName + "</c> as text (UTF-8, up to its NUL).</summary>");
                        w.Line("public readonly string Get" + name + "Text(global::System.ReadOnlySpan<byte> record) => " + KernelTypeEmitter.TextHelper + "(Get" + name + "(record));");
                    }
                    continue;
                }
                if (f.Flexible)
                {
                    w.SummaryCode(f.CDecl + ";", " (C: " + eventName + "." + f.CName + ") at offset " + f.Offset + ": a flexible array, the rest of the record.");
                    w.Line("public static global::System.ReadOnlySpan<byte> Get" + name + "(global::System.ReadOnlySpan<byte> record) => record.Slice(" + f.Offset + ");");
                    if (f.CharArray)
                    {
                        w.Line();
                        w.Line("/// <summary><c>" + f.CName + "</c> as text (UTF-8, up to its NUL).</summary>");
                        w.Line("public static string Get" + name + "Text(global::System.ReadOnlySpan<byte> record) => " + KernelTypeEmitter.TextHelper + "(Get" + name + "(record));");
                    }
                    continue;
                }
                w.SummaryCode(f.CDecl + ";", " (C: " + eventName + "." + f.CName + ") at offset " + f.Offset + ", " + f.Size + (f.Size == 1 ? " byte." : " bytes.") + (IsOverwrittenForBpf(f) ? NotForBpf : ""));
                w.Line("[FieldOffset(" + f.Offset + ")] public " + f.CsType + " " + name + ";");
                if (f.CharArray)
                {
                    w.Line();
                    w.Line("/// <summary><c>" + f.CName + "</c> as text (UTF-8, up to its NUL).</summary>");
                    w.Line("public readonly string " + name + "Text => " + KernelTypeEmitter.TextHelper + "(" + name + ");");
                }
            }
        }

        // Before it runs a BPF program on a classic tracepoint, the kernel stores its pt_regs pointer
        // over the record's first 8 bytes (perf_trace_run_bpf_submit), so that helpers such as
        // bpf_get_stackid find the registers: there the common fields hold a kernel address, not
        // the type and pid (a test printed common_pid -30586 for pid 369). Records read from tracefs
        // or a perf buffer keep them.
        private static bool IsOverwrittenForBpf(Field f) => f.CName.StartsWith("common_", StringComparison.Ordinal) && f.Offset < 8;

        private const string NotForBpf = " Not valid in a BPF program: the kernel overwrites the record's first 8 bytes (the common_ fields) " +
            "with a pointer to its registers before running BPF; use bpf_get_current_pid_tgid() for the pid. Valid in records read from tracefs or perf buffers.";

        /// <summary>The size of the fixed part of the record: the end of its last field.</summary>
        public static int Size(IReadOnlyList<Field> fields) => fields.Count == 0 ? 0 : fields.Max(f => f.Offset + f.Size);
    }
}
