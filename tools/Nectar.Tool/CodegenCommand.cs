using System.CommandLine;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;

namespace Nectar.Tool;

/// <summary>
/// `nectar codegen`: the source generator's output as one file, for projects that check generated
/// code in instead of running the generator at build time. Same emitter, same bytes.
/// </summary>
internal static class CodegenCommand
{
    internal static Command Create()
    {
        var types = new Option<string[]>("--type") { Description = "Kernel type to generate (struct, union, enum or typedef name); repeatable.", AllowMultipleArgumentsPerToken = true };
        var tracepoints = new Option<string[]>("--tracepoint") { Description = "Raw tracepoint whose typed arguments to generate (struct <Name>Args); repeatable.", AllowMultipleArgumentsPerToken = true };
        var records = new Option<string[]>("--record") { Description = "Classic tracepoint record to generate, as SYSTEM/EVENT (struct <Event>Record); repeatable.", AllowMultipleArgumentsPerToken = true };
        var btf = new Option<string?>("--btf") { Description = $"Raw BTF file or BPF object (default {CodegenInputs.DefaultBtf})." };
        var headers = new Option<string[]>("--headers") { Description = "Kernel trace header file or folder (include/trace/events) for TP_PROTO names; repeatable." };
        var tracefs = new Option<string>("--tracefs") { Description = "tracefs events folder for record formats (else BTF trace_event_raw_*).", DefaultValueFactory = _ => CodegenInputs.DefaultTracefsEvents };
        var ns = new Option<string>("--namespace") { Description = "Namespace of the tracepoint structs.", DefaultValueFactory = _ => "Nectar.Tracepoints" };
        var output = new Option<string?>("--output", "-o") { Description = "File to write (default: standard output)." };

        var command = new Command("codegen", "Generate C# for kernel types and tracepoint arguments from BTF, as the source generator does.")
        {
            types, tracepoints, records, btf, headers, tracefs, ns, output,
        };
        command.SetAction(parse =>
        {
            string[] typeNames = parse.GetValue(types) ?? [];
            string[] rawNames = parse.GetValue(tracepoints) ?? [];
            string[] recordNames = parse.GetValue(records) ?? [];
            if (typeNames.Length + rawNames.Length + recordNames.Length == 0)
            {
                Console.Error.WriteLine("nectar codegen: nothing to generate: give --type, --tracepoint or --record (for example --type task_struct).");
                return 1; // bad arguments: 2 is for kernel refusals
            }
            try
            {
                Btf.Btf data = CodegenInputs.LoadBtf(parse.GetValue(btf));
                var prototypes = CodegenInputs.LoadPrototypes(parse.GetValue(headers) ?? []);
                string space = parse.GetValue(ns)!;
                var formats = new List<SystemFormat>();
                var recordRequests = new List<TracepointRecordRequest>();
                foreach (string record in recordNames)
                {
                    string[] parts = record.Split('/');
                    if (parts.Length != 2)
                    {
                        Console.Error.WriteLine($"nectar codegen: --record '{record}' is not SYSTEM/EVENT (for example sched/sched_process_exec).");
                        return 1;
                    }
                    if (CodegenInputs.TryLoadFormat(parse.GetValue(tracefs)!, parts[0], parts[1]) is { } format)
                        formats.Add(format);
                    recordRequests.Add(new TracepointRecordRequest(parts[0], parts[1], Target(space, parts[1], "Record"), null));
                }
                var request = new CodegenRequest(
                    typeNames.Select(t => new KernelTypeRequest(t, null)).ToEquatableArray(),
                    rawNames.Select(t => new RawTracepointRequest(t, Target(space, t, "Args"), null)).ToEquatableArray(),
                    recordRequests.ToEquatableArray());
                var (text, diagnostics) = Codegen.GenerateSingleFile(data, request, prototypes, formats);
                if (CodegenInputs.Report(diagnostics))
                    return 1;
                string? path = parse.GetValue(output);
                if (path is null)
                    Console.Out.Write(text);
                else
                    File.WriteAllText(path, text);
                return 0;
            }
            catch (Exception e) when (e is BtfException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("nectar codegen: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    // The tool has no user declaration to fill: it declares `public partial struct <Name><Suffix>` itself.
    private static TargetStruct Target(string ns, string tracepoint, string suffix) =>
        new(ns, EquatableArray<string>.Empty, CSharpNames.Pascal(tracepoint) + suffix, "public partial struct");
}
