using System;
using System.Collections.Generic;
using System.Text;

namespace Nectar.Generator.Emit
{
    /// <summary>Turns C identifiers into valid, deterministic C# identifiers.</summary>
    internal static class CSharpNames
    {
        private static readonly HashSet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
            "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
            "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
            "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
            "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
            "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
            "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
            // Contextual keywords that cannot name a type (struct file, struct record) or that parse as
            // modifiers where a type is expected ("public file f;"); escaping them everywhere is harmless.
            "file", "record", "required", "scoped", "var", "dynamic", "nint", "nuint", "managed", "unmanaged",
            "notnull", "field", "allows", "extension", "partial", "async", "await", "yield",
        };

        /// <summary>The C name as a C# identifier: keywords get '@' (<c>@new</c>, <c>@class</c>).</summary>
        public static string Escape(string name) => Keywords.Contains(name) ? "@" + name : name;

        /// <summary>
        /// The one naming rule of generated code (kernel types, tracepoint records and arguments, skeletons):
        /// the C name split at underscores into words, each word capitalised and joined.
        /// <list type="bullet">
        /// <item><c>task_struct</c> to <c>TaskStruct</c>, <c>old_pid</c> to <c>OldPid</c>, <c>p</c> to <c>P</c>.</item>
        /// <item>Leading, trailing and repeated underscores vanish: <c>__u64</c> to <c>U64</c>, <c>__state</c> to <c>State</c>.</item>
        /// <item>A word in capitals only is a C constant's word, lowered after its first letter: <c>PIDTYPE_PID</c> to <c>PidtypePid</c>;
        /// other words keep their inner case: <c>sk_buffHead</c> to <c>SkBuffHead</c>.</item>
        /// <item>Digits stay; a word that starts with a digit keeps its underscore, so <c>pad_1</c> is <c>Pad_1</c>, not <c>Pad1</c>
        /// (which <c>pad1</c> is); a name that would start with a digit gets a leading underscore.</item>
        /// <item>A PascalCase name is never a C# keyword (they are all lower case), so no <c>@</c> is needed.</item>
        /// </list>
        /// Two C names that become one C# name (<c>pad1</c> and <c>pad_1</c> do not; <c>d_name</c> and <c>__d_name</c> do) are a
        /// clash: the name with fewer leading underscores keeps it (<c>d_name</c> is <c>DName</c>), then the one declared first;
        /// the others get <c>_2</c>, <c>_3</c> (<c>__d_name</c> is <c>DName_2</c>; see <see cref="Unique"/>). Skeletons report it
        /// as a NECTAR021 warning (the C is the user's to rename), kernel types, records and arguments as NECTAR022 (info).
        /// </summary>
        public static string Pascal(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (string word in name.Split('_'))
            {
                if (word.Length == 0) continue;
                if (sb.Length > 0 && char.IsDigit(word[0])) sb.Append('_');
                bool shouting = true;
                foreach (char c in word)
                    if (char.IsLower(c)) { shouting = false; break; }
                sb.Append(char.ToUpperInvariant(word[0]));
                sb.Append(shouting ? word.Substring(1).ToLowerInvariant() : word.Substring(1));
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
            return sb.ToString();
        }

        /// <summary>How many underscores a C name starts with: of names that clash, fewer keeps the name.</summary>
        public static int LeadingUnderscores(string name)
        {
            int n = 0;
            while (n < name.Length && name[n] == '_') n++;
            return n;
        }

        /// <summary>
        /// The deterministic resolution of a clash: <paramref name="name"/> if <paramref name="used"/> lacks it, else the first of
        /// <c>name_2</c>, <c>name_3</c>, ... that is free. The name returned is added to <paramref name="used"/>.
        /// </summary>
        public static string Unique(string name, HashSet<string> used)
        {
            if (used.Add(name)) return name;
            for (int n = 2; ; n++)
                if (used.Add(name + "_" + n)) return name + "_" + n;
        }
    }
}
