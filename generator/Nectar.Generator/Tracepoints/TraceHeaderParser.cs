using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Nectar.Generator.Model;

namespace Nectar.Generator.Tracepoints
{
    /// <summary>
    /// Reads tracepoint prototypes out of kernel trace headers (include/trace/events/*.h) without a C
    /// preprocessor: comments and preprocessor lines are blanked, then every TRACE_EVENT-family macro
    /// invocation is split into its top-level arguments and its TP_PROTO is parsed.
    /// </summary>
    /// <remarks>
    /// Both branches of an <c>#if</c> are read (the configuration is unknown at build time); when a
    /// name is declared twice the first declaration wins, which matches the kernel's habit of putting
    /// the full definition first and a stub in the <c>#else</c>. <c>#define</c> bodies are skipped, so
    /// subsystem-private wrapper macros (DEFINE_RPC_RUNNING_EVENT and the like) are not expanded.
    /// </remarks>
    internal static class TraceHeaderParser
    {
        // Macro name -> index of the argument holding the tracepoint name, and the kind it declares.
        private static readonly Dictionary<string, (int NameIndex, PrototypeKind Kind)> Macros =
            new Dictionary<string, (int, PrototypeKind)>(StringComparer.Ordinal)
            {
                ["TRACE_EVENT"] = (0, PrototypeKind.Event),
                ["TRACE_EVENT_CONDITION"] = (0, PrototypeKind.Event),
                ["TRACE_EVENT_FN"] = (0, PrototypeKind.Event),
                ["TRACE_EVENT_FN_COND"] = (0, PrototypeKind.Event),
                ["TRACE_EVENT_RCU"] = (0, PrototypeKind.Event),
                ["TRACE_EVENT_NOP"] = (0, PrototypeKind.Event),
                ["DECLARE_EVENT_CLASS"] = (0, PrototypeKind.EventClass),
                ["DEFINE_EVENT"] = (1, PrototypeKind.EventOfClass),
                ["DEFINE_EVENT_FN"] = (1, PrototypeKind.EventOfClass),
                ["DEFINE_EVENT_PRINT"] = (1, PrototypeKind.EventOfClass),
                ["DEFINE_EVENT_CONDITION"] = (1, PrototypeKind.EventOfClass),
                ["DEFINE_EVENT_NOP"] = (1, PrototypeKind.EventOfClass),
                ["DECLARE_TRACE"] = (0, PrototypeKind.BareTrace),
                ["DECLARE_TRACE_CONDITION"] = (0, PrototypeKind.BareTrace),
                ["DECLARE_TRACE_WRITABLE"] = (0, PrototypeKind.BareTrace),
                ["DECLARE_TRACE_EVENT"] = (0, PrototypeKind.BareTrace),
            };

        /// <summary>Every prototype in <paramref name="text"/>, in source order, first declaration of a name winning.</summary>
        public static ImmutableArray<TracepointPrototype> Parse(string text)
        {
            string code = BlankCommentsAndDirectives(text);
            var result = ImmutableArray.CreateBuilder<TracepointPrototype>();
            var seen = new HashSet<(string, PrototypeKind)>();
            int i = 0, lineCursor = 0, lineNumber = 1;
            while (i < code.Length)
            {
                if (!IsIdentifierStart(code[i]) || (i > 0 && IsIdentifierPart(code[i - 1])))
                {
                    i++;
                    continue;
                }
                int start = i;
                while (i < code.Length && IsIdentifierPart(code[i])) i++;
                string word = code.Substring(start, i - start);
                if (!Macros.TryGetValue(word, out var macro)) continue;
                int open = SkipSpace(code, i);
                if (open >= code.Length || code[open] != '(') continue;
                int close = MatchingParen(code, open);
                if (close < 0) break; // unterminated invocation: nothing more can be read reliably
                List<string> args = SplitTopLevel(code, open + 1, close);
                i = close + 1;
                if (args.Count <= macro.NameIndex) continue;
                string name = args[macro.NameIndex].Trim();
                if (!IsIdentifier(name)) continue; // a macro parameter inside a template, not a real event
                string? protoArg = args.Find(a => a.TrimStart().StartsWith("TP_PROTO", StringComparison.Ordinal));
                if (protoArg == null) continue;
                if (!seen.Add((name, macro.Kind == PrototypeKind.EventClass ? PrototypeKind.EventClass : PrototypeKind.Event))) continue;
                string? eventClass = macro.Kind == PrototypeKind.EventOfClass ? args[0].Trim() : null;
                result.Add(new TracepointPrototype(name, macro.Kind, word, eventClass,
                    ParseProto(protoArg), LineOf(code, start, ref lineCursor, ref lineNumber)));
            }
            return result.ToImmutable();
        }

        /// <summary>Parses the parameter list inside <c>TP_PROTO(...)</c>.</summary>
        internal static EquatableArray<TracepointParameter> ParseProto(string protoArg)
        {
            int open = protoArg.IndexOf('(');
            int close = open < 0 ? -1 : MatchingParen(protoArg, open);
            if (close < 0) return EquatableArray<TracepointParameter>.Empty;
            var parameters = new List<TracepointParameter>();
            foreach (string raw in SplitTopLevel(protoArg, open + 1, close))
            {
                string decl = NormaliseSpace(raw);
                if (decl.Length == 0 || decl == "void") continue;
                int end = decl.Length;
                while (end > 0 && decl[end - 1] == ']') end = decl.LastIndexOf('[', end - 1); // int x[] keeps its name
                if (end <= 0) continue;
                int nameStart = end;
                while (nameStart > 0 && IsIdentifierPart(decl[nameStart - 1])) nameStart--;
                string name = decl.Substring(nameStart, end - nameStart);
                string type = NormaliseType(decl.Substring(0, nameStart) + decl.Substring(end));
                parameters.Add(new TracepointParameter(type, name));
            }
            return parameters.ToEquatableArray();
        }

        /// <summary>Single spaces, stars together and after one space: <c>const char **</c>.</summary>
        internal static string NormaliseType(string type)
        {
            string s = NormaliseSpace(type).Replace(" *", "*").Replace("* ", "*");
            var sb = new StringBuilder(s.Length + 2);
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == '*' && i > 0 && s[i - 1] != '*') sb.Append(' ');
                sb.Append(s[i]);
                if (s[i] == '*' && i + 1 < s.Length && s[i + 1] != '*') sb.Append(' ');
            }
            return sb.ToString().Trim();
        }

        /// <summary>
        /// Replaces comments, string and character literals' contents stay; comments and preprocessor
        /// lines (with their continuations) become spaces, keeping newlines so line numbers survive.
        /// </summary>
        internal static string BlankCommentsAndDirectives(string text)
        {
            var sb = new StringBuilder(text.Length);
            bool lineStart = true;
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    end = end < 0 ? text.Length : end + 2;
                    Blank(text, i, end, sb);
                    i = end;
                    continue;
                }
                if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    int end = text.IndexOf('\n', i);
                    end = end < 0 ? text.Length : end;
                    Blank(text, i, end, sb);
                    i = end;
                    continue;
                }
                if (lineStart && c == '#')
                {
                    int end = i;
                    while (end < text.Length && text[end] != '\n') end++;
                    while (end < text.Length && end > 0 && EndsWithContinuation(text, end))
                    {
                        end++;
                        while (end < text.Length && text[end] != '\n') end++;
                    }
                    Blank(text, i, end, sb);
                    i = end;
                    continue;
                }
                if (c == '"' || c == '\'')
                {
                    int end = i + 1;
                    while (end < text.Length && text[end] != c && text[end] != '\n')
                        end += text[end] == '\\' ? 2 : 1;
                    end = Math.Min(end + 1, text.Length);
                    sb.Append(text, i, end - i);
                    i = end;
                    continue;
                }
                if (c == '\n') lineStart = true;
                else if (c != ' ' && c != '\t' && c != '\r') lineStart = false;
                sb.Append(c);
                i++;
            }
            return sb.ToString();
        }

        private static bool EndsWithContinuation(string text, int newline)
        {
            int j = newline - 1;
            if (j >= 0 && text[j] == '\r') j--;
            return j >= 0 && text[j] == '\\';
        }

        private static void Blank(string text, int start, int end, StringBuilder sb)
        {
            for (int k = start; k < end; k++) sb.Append(text[k] == '\n' ? '\n' : ' ');
        }

        internal static int MatchingParen(string s, int open)
        {
            int depth = 0;
            for (int i = open; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '"' || c == '\'')
                {
                    i++;
                    while (i < s.Length && s[i] != c) i += s[i] == '\\' ? 2 : 1;
                    continue;
                }
                if (c == '(') depth++;
                else if (c == ')' && --depth == 0) return i;
            }
            return -1;
        }

        internal static List<string> SplitTopLevel(string s, int start, int end)
        {
            var parts = new List<string>();
            int depth = 0, partStart = start;
            for (int i = start; i < end; i++)
            {
                char c = s[i];
                if (c == '"' || c == '\'')
                {
                    i++;
                    while (i < end && s[i] != c) i += s[i] == '\\' ? 2 : 1;
                    continue;
                }
                if (c == '(' || c == '[' || c == '{') depth++;
                else if (c == ')' || c == ']' || c == '}') depth--;
                else if (c == ',' && depth == 0)
                {
                    parts.Add(s.Substring(partStart, i - partStart));
                    partStart = i + 1;
                }
            }
            parts.Add(s.Substring(partStart, end - partStart));
            return parts;
        }

        private static string NormaliseSpace(string s)
        {
            var sb = new StringBuilder(s.Length);
            bool space = false;
            foreach (char c in s)
            {
                if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
                if (space) sb.Append(' ');
                space = false;
                sb.Append(c);
            }
            return sb.ToString();
        }

        private static int SkipSpace(string s, int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            return i;
        }

        // Line numbers are counted forwards from the previous match, so a large header costs one pass.
        private static int LineOf(string s, int index, ref int cursor, ref int line)
        {
            for (; cursor < index; cursor++) if (s[cursor] == '\n') line++;
            return line;
        }

        private static bool IsIdentifier(string s)
        {
            if (s.Length == 0 || !IsIdentifierStart(s[0])) return false;
            foreach (char c in s) if (!IsIdentifierPart(c)) return false;
            return true;
        }

        private static bool IsIdentifierStart(char c) => c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || (c >= '0' && c <= '9');
    }
}
