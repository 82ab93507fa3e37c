using System;
using System.Collections.Generic;
using System.Globalization;
using Nectar.Generator.Model;

namespace Nectar.Generator.Tracepoints
{
    /// <summary>
    /// Parses tracefs <c>format</c> files:
    /// <code>
    /// name: sched_process_exec
    /// ID: 365
    /// format:
    ///     field:unsigned short common_type;  offset:0;  size:2;  signed:0;
    ///     field:__data_loc char[] filename;  offset:8;  size:4;  signed:0;
    /// print fmt: "filename=%s ...", ...
    /// </code>
    /// </summary>
    internal static class TraceFormatParser
    {
        /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the bad line.</summary>
        public static TraceFormat Parse(string text)
        {
            string? name = null;
            int id = -1;
            string print = "";
            var fields = new List<TraceFormatField>();
            string[] lines = text.Split('\n');
            for (int n = 0; n < lines.Length; n++)
            {
                string line = lines[n].Trim();
                if (line.StartsWith("name:", StringComparison.Ordinal)) name = line.Substring(5).Trim();
                else if (line.StartsWith("ID:", StringComparison.Ordinal))
                {
                    if (!int.TryParse(line.Substring(3).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out id))
                        throw new FormatException($"line {n + 1}: the ID is not a number: '{line}'.");
                }
                else if (line.StartsWith("field:", StringComparison.Ordinal)) fields.Add(ParseField(line, n + 1));
                else if (line.StartsWith("print fmt:", StringComparison.Ordinal))
                {
                    print = string.Join("\n", lines, n, lines.Length - n).Trim().Substring("print fmt:".Length).Trim();
                    break;
                }
            }
            if (name == null)
                throw new FormatException("not a tracefs format file: no 'name:' line (expected the contents of /sys/kernel/tracing/events/<system>/<event>/format).");
            return new TraceFormat(name, id, fields.ToEquatableArray(), print);
        }

        private static TraceFormatField ParseField(string line, int lineNumber)
        {
            // field:<declaration>;<tab>offset:<n>;<tab>size:<n>;<tab>signed:<0|1>;
            string[] parts = line.Split(';');
            string declaration = parts[0].Substring("field:".Length).Trim();
            int offset = -1, size = -1, signed = 0;
            for (int i = 1; i < parts.Length; i++)
            {
                string part = parts[i].Trim();
                int colon = part.IndexOf(':');
                if (colon < 0) continue;
                string key = part.Substring(0, colon);
                if (!int.TryParse(part.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                    throw new FormatException($"line {lineNumber}: '{part}' is not '<key>:<number>'.");
                if (key == "offset") offset = value;
                else if (key == "size") size = value;
                else if (key == "signed") signed = value;
            }
            if (offset < 0 || size < 0)
                throw new FormatException($"line {lineNumber}: a field needs 'offset:' and 'size:': '{line}'.");

            bool dataLoc = false, relLoc = false;
            string decl = declaration;
            if (decl.StartsWith("__data_loc ", StringComparison.Ordinal)) { dataLoc = true; decl = decl.Substring(11).Trim(); }
            else if (decl.StartsWith("__rel_loc ", StringComparison.Ordinal)) { relLoc = true; decl = decl.Substring(10).Trim(); }

            int arrayLength = 0;
            string nameAndType = decl;
            int bracket = decl.LastIndexOf('[');
            // "char comm[16]" puts the length after the name; "__data_loc char[] filename" puts "[]" after the type.
            if (bracket > 0 && decl.EndsWith("]", StringComparison.Ordinal))
            {
                string length = decl.Substring(bracket + 1, decl.Length - bracket - 2).Trim();
                arrayLength = length.Length == 0 ? -1 : ParseLength(length, size);
                nameAndType = decl.Substring(0, bracket).Trim();
            }
            int nameStart = nameAndType.Length;
            while (nameStart > 0 && (char.IsLetterOrDigit(nameAndType[nameStart - 1]) || nameAndType[nameStart - 1] == '_')) nameStart--;
            string name = nameAndType.Substring(nameStart);
            string type = TraceHeaderParser.NormaliseType(nameAndType.Substring(0, nameStart));
            if (type.EndsWith("[]", StringComparison.Ordinal))
            {
                type = type.Substring(0, type.Length - 2).Trim();
                if (arrayLength == 0) arrayLength = -1;
            }
            if (name.Length == 0 || type.Length == 0)
                throw new FormatException($"line {lineNumber}: cannot split '{declaration}' into a type and a name.");
            return new TraceFormatField(declaration, type, name, arrayLength, dataLoc, relLoc, offset, size, signed != 0,
                name.StartsWith("common_", StringComparison.Ordinal));
        }

        // Lengths are usually numbers; a few formats keep the macro (TASK_COMM_LEN): unknown (-1), and Size still gives the bytes.
        private static int ParseLength(string text, int size)
            => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1;
    }
}
