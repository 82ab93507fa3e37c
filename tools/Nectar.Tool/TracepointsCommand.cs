using System.CommandLine;
using System.Text.Json;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Tracepoints;

namespace Nectar.Tool;

/// <summary>
/// `nectar tracepoints`: the raw tracepoints of a kernel with typed, named prototypes: types from
/// BTF's btf_trace_* typedefs, names from BTF's __traceiter_*/__bpf_trace_* FUNCs, else from trace
/// headers where given. Each line says where its names came from; `--format bpf` prints ready BPF handlers.
/// </summary>
internal static class TracepointsCommand
{
    internal static Command Create()
    {
        var headers = new Option<string[]>("--headers") { Description = "Kernel trace header file or folder (include/trace/events) for parameter names BTF lacks (older kernels); repeatable." };
        var btf = new Option<string?>("--btf") { Description = $"Raw BTF file or BPF object (default {CodegenInputs.DefaultBtf})." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of one prototype per line." };
        var format = new Option<string>("--format")
        {
            Description = "c: one C prototype per line with where its names came from; bpf: a tp_btf and a raw_tp BPF_PROG handler per tracepoint, ready to paste into a .bpf.c.",
            DefaultValueFactory = _ => "c",
        };
        format.AcceptOnlyFromAmong("c", "bpf");
        var pattern = new Argument<string?>("pattern") { Description = "Only names containing this text, or matching it with * wildcards.", Arity = ArgumentArity.ZeroOrOne };

        var command = new Command("tracepoints", "List raw tracepoints with typed, named prototypes.") { headers, btf, json, format, pattern };
        command.SetAction(parse =>
        {
            try
            {
                Btf.Btf data = CodegenInputs.LoadBtf(parse.GetValue(btf));
                var names = new Dictionary<string, TracepointPrototype>(StringComparer.Ordinal);
                foreach (TracepointPrototype p in CodegenInputs.LoadPrototypes(parse.GetValue(headers) ?? []))
                    if (p.Kind != PrototypeKind.EventClass)
                        names.TryAdd(p.Name, p);
                List<NamedTracepoint> listed = List(data, names, parse.GetValue(pattern));
                if (parse.GetValue(json))
                    WriteJson(data, listed);
                else if (parse.GetValue(format) == "bpf")
                {
                    Console.Write(BpfHandlerPrototypes.Preamble);
                    Console.WriteLine();
                    foreach (NamedTracepoint t in listed)
                        Console.Write(BpfHandlerPrototypes.Handlers(data, t));
                }
                else
                    foreach (NamedTracepoint t in listed)
                        Console.WriteLine(Prototype(data, t) + "  // names: " + Describe(t));
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

    /// <summary>Raw tracepoints in BTF matching the pattern, by name, each with its names resolved (BTF first, then headers).</summary>
    internal static List<NamedTracepoint> List(Btf.Btf btf, IReadOnlyDictionary<string, TracepointPrototype> prototypes, string? pattern)
    {
        var resolver = new TracepointNames(btf, prototypes);
        var result = new List<NamedTracepoint>();
        foreach (string name in resolver.All())
            if (Matches(name, pattern) && resolver.Resolve(name) is { } named)
                result.Add(named);
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>Where a tracepoint's names came from, for people: "__traceiter_x", "__bpf_trace_class", "header TRACE_EVENT x", "none".</summary>
    internal static string Describe(NamedTracepoint t) => t.Source switch
    {
        TracepointNameSource.None => "none (BTF names no parameters of it; --headers can)",
        TracepointNameSource.Header => "header " + t.Origin,
        _ => t.Origin ?? "",
    };

    private static string SourceKey(TracepointNameSource source) => source switch
    {
        TracepointNameSource.Traceiter => "traceiter",
        TracepointNameSource.EventClass => "eventClass",
        TracepointNameSource.Header => "header",
        _ => "none",
    };

    private static string Prototype(Btf.Btf btf, NamedTracepoint t)
        => t.Name + "(" + string.Join(", ", t.Arguments.Select((a, i) => t.Names is null ? CDeclarations.TypeName(btf, a.TypeId) : CDeclarations.Declaration(btf, a.TypeId, t.Names[i]))) + ")";

    private static bool Matches(string name, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
            return true;
        if (!pattern.Contains('*'))
            return name.Contains(pattern, StringComparison.Ordinal);
        string regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(name, regex);
    }

    private static void WriteJson(Btf.Btf btf, List<NamedTracepoint> listed)
    {
        using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        foreach (NamedTracepoint t in listed)
        {
            writer.WriteStartObject();
            writer.WriteString("name", t.Name);
            writer.WriteString("namesFrom", SourceKey(t.Source));
            if (t.Origin is null)
                writer.WriteNull("namesOrigin");
            else
                writer.WriteString("namesOrigin", t.Origin);
            writer.WriteStartArray("arguments");
            for (int i = 0; i < t.Arguments.Count; i++)
            {
                writer.WriteStartObject();
                if (t.Names is null)
                    writer.WriteNull("name");
                else
                    writer.WriteString("name", t.Names[i]);
                writer.WriteString("type", CDeclarations.TypeName(btf, t.Arguments[i].TypeId));
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
