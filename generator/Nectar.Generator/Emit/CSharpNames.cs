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

        /// <summary><c>old_pid</c> to <c>OldPid</c>, <c>p</c> to <c>P</c>; leading underscores dropped.</summary>
        public static string Pascal(string name)
        {
            var sb = new StringBuilder(name.Length);
            bool upper = true;
            foreach (char c in name)
            {
                if (c == '_') { upper = true; continue; }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
            return sb.ToString();
        }
    }
}
