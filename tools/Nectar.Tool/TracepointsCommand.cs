using System.CommandLine;
using System.Text.Json;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Tracepoints;

namespace Nectar.Tool;

/// <summary>
/// `nectar tracepoints`: the raw tracepoints of a kernel with typed, named prototypes: types from
/// BTF's btf_trace_* typedefs, names from trace headers where given.
/// </summary>
internal static class TracepointsCommand
{
    internal static Command Create()
    {
        var headers = new Option<string[]>("--headers") { Description = "Kernel trace header file or folder (include/trace/events) for parameter names; repeatable." };
        var btf = new Option<string?>("--btf") { Description = $"Raw BTF file or BPF object (default {CodegenInputs.DefaultBtf})." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of one prototype per line." };
        var pattern = new Argument<string?>("pattern") { Description = "Only names containing this text, or matching it with * wildcards.", Arity = ArgumentArity.ZeroOrOne };

        var command = new Command("tracepoints", "List raw tracepoints with typed, named prototypes.") { headers, btf, json, pattern };
        command.SetAction(parse =>
        {
            try
            {
                Btf.Btf data = CodegenInputs.LoadBtf(parse.GetValue(btf));
                var names = new Dictionary<string, TracepointPrototype>(StringComparer.Ordinal);
                foreach (TracepointPrototype p in CodegenInputs.LoadPrototypes(parse.GetValue(headers) ?? []))
                    if (p.Kind != PrototypeKind.EventClass)
                        names.TryAdd(p.Name, p);
                List<Listed> listed = List(data, names, parse.GetValue(pattern));
                if (parse.GetValue(json))
                    WriteJson(listed);
                else
                    foreach (Listed t in listed)
                        Console.WriteLine(t.Name + "(" + string.Join(", ", t.Arguments.Select(a => a.Name is null ? a.Type : Declare(a.Type, a.Name))) + ")");
                return 0;
            }
            catch (Exception e) when (e is BtfException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("nectar tracepoints: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    internal sealed record Argument(string Type, string? Name);

    internal sealed record Listed(string Name, IReadOnlyList<Argument> Arguments, bool NamesFromHeader);

    /// <summary>Raw tracepoints in BTF matching the pattern, by name; header names used only where the counts agree.</summary>
    internal static List<Listed> List(Btf.Btf btf, IReadOnlyDictionary<string, TracepointPrototype> prototypes, string? pattern)
    {
        const string prefix = "btf_trace_";
        var result = new List<Listed>();
        foreach (BtfType type in btf.Types)
        {
            if (type.Kind != BtfKind.Typedef || !type.Name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            string name = type.Name.Substring(prefix.Length);
            if (!Matches(name, pattern) || btf.FindRawTracepointArguments(name) is not { } parameters)
                continue;
            bool named = prototypes.TryGetValue(name, out TracepointPrototype? prototype) && prototype.Parameters.Count == parameters.Count;
            var arguments = parameters.Select((p, i) => new Argument(CDeclarations.TypeName(btf, p.TypeId), named ? prototype!.Parameters[i].Name : null)).ToList();
            result.Add(new Listed(name, arguments, named));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    private static bool Matches(string name, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
            return true;
        if (!pattern.Contains('*'))
            return name.Contains(pattern, StringComparison.Ordinal);
        string regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(name, regex);
    }

    private static string Declare(string type, string name) => type.EndsWith('*') ? type + name : type + " " + name;

    private static void WriteJson(List<Listed> listed)
    {
        using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        foreach (Listed t in listed)
        {
            writer.WriteStartObject();
            writer.WriteString("name", t.Name);
            writer.WriteBoolean("namesFromHeader", t.NamesFromHeader);
            writer.WriteStartArray("arguments");
            foreach (Argument a in t.Arguments)
            {
                writer.WriteStartObject();
                if (a.Name is null)
                    writer.WriteNull("name");
                else
                    writer.WriteString("name", a.Name);
                writer.WriteString("type", a.Type);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.Flush();
        Console.Out.WriteLine();
    }
}
