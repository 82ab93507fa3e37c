using System.Collections.Generic;
using System.Text;
using Nectar.Btf;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// Spells BTF types as C declarations, for the documentation of generated code and for comparing
    /// BTF with TP_PROTO text: <c>struct task_struct *p</c>, <c>char comm[16]</c>,
    /// <c>void (*func)(struct callback_head *)</c>.
    /// </summary>
    internal static class CDeclarations
    {
        private const int MaxDepth = 64;

        /// <summary>The type alone: <c>struct task_struct *</c>, <c>const char *</c>, <c>pid_t</c>.</summary>
        public static string TypeName(Btf.Btf btf, uint typeId) => Declare(btf, typeId, "", 0).Trim();

        /// <summary>A declaration of <paramref name="name"/> with this type: <c>char comm[16]</c>.</summary>
        public static string Declaration(Btf.Btf btf, uint typeId, string name) => Declare(btf, typeId, name, 0).Trim();

        private static string Declare(Btf.Btf btf, uint id, string inner, int depth)
        {
            if (depth > MaxDepth) return "/* cyclic */ " + inner;
            BtfType t = btf.GetType(id);
            switch (t.Kind)
            {
                case BtfKind.Void:
                    return Join("void", inner);
                case BtfKind.Ptr:
                {
                    BtfType target = btf.SkipModifiers(t.TypeId);
                    bool wrap = target.Kind == BtfKind.Array || target.Kind == BtfKind.FuncProto;
                    return Declare(btf, t.TypeId, wrap ? "(*" + inner + ")" : "*" + inner, depth + 1);
                }
                case BtfKind.Array:
                {
                    BtfArrayInfo a = t.Array;
                    return Declare(btf, a.ElementTypeId, inner + "[" + (a.Count == 0 ? "" : a.Count.ToString()) + "]", depth + 1);
                }
                case BtfKind.FuncProto:
                    return Declare(btf, t.TypeId, inner + "(" + Parameters(btf, t, depth) + ")", depth + 1);
                case BtfKind.Const:
                case BtfKind.Volatile:
                case BtfKind.Restrict:
                {
                    string word = t.Kind == BtfKind.Const ? "const" : t.Kind == BtfKind.Volatile ? "volatile" : "restrict";
                    BtfType target = btf.GetType(t.TypeId);
                    // A qualified pointer is "char *const p"; anything else is "const char".
                    return target.Kind == BtfKind.Ptr
                        ? Declare(btf, t.TypeId, word + " " + inner, depth + 1)
                        : word + " " + Declare(btf, t.TypeId, inner, depth + 1);
                }
                case BtfKind.TypeTag:
                    return Declare(btf, t.TypeId, inner, depth + 1);
                case BtfKind.Struct:
                    return Join(t.IsAnonymous ? "struct {...}" : "struct " + t.Name, inner);
                case BtfKind.Union:
                    return Join(t.IsAnonymous ? "union {...}" : "union " + t.Name, inner);
                case BtfKind.Enum:
                case BtfKind.Enum64:
                    return Join(t.IsAnonymous ? "enum {...}" : "enum " + t.Name, inner);
                case BtfKind.Fwd:
                    return Join((t.IsForwardUnion ? "union " : "struct ") + t.Name, inner);
                default:
                    return Join(t.Name, inner);
            }
        }

        private static string Parameters(Btf.Btf btf, BtfType proto, int depth)
        {
            IReadOnlyList<BtfParam> ps = proto.Params;
            if (ps.Count == 0) return "void";
            var sb = new StringBuilder();
            for (int i = 0; i < ps.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                if (ps[i].TypeId == 0 && ps[i].Name.Length == 0) sb.Append("...");
                else sb.Append(Declare(btf, ps[i].TypeId, ps[i].Name, depth + 1).Trim());
            }
            return sb.ToString();
        }

        private static string Join(string type, string inner) => inner.Length == 0 ? type + " " : type + " " + inner;
    }
}
