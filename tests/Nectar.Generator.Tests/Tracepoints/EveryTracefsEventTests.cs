extern alias gen;
using System.Reflection;
using gen::Nectar.Generator.Emit;
using gen::Nectar.Generator.Model;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;
using Xunit.Abstractions;
using GenBtf = gen::Nectar.Btf.Btf;

namespace Nectar.Generator.Tests.Tracepoints;

/// <summary>
/// Every classic tracepoint of the running kernel: its tracefs format file parses, and the record
/// generated from it, and the one generated from BTF's trace_event_raw_&lt;event or class&gt; alone,
/// compile and lay every field at the offset and size the format file gives.
/// </summary>
public class EveryTracefsEventTests(ITestOutputHelper output)
{
    private sealed record Event(string System, string Name, TraceFormat Format);

    private static List<Event> AllEvents()
    {
        var events = new List<Event>();
        foreach (string system in Directory.EnumerateDirectories(TracefsFactAttribute.Events).Order(StringComparer.Ordinal))
            foreach (string folder in Directory.EnumerateDirectories(system).Order(StringComparer.Ordinal))
            {
                string format = Path.Combine(folder, "format");
                if (!File.Exists(format)) continue;
                string text = File.ReadAllText(format);
                TraceFormat parsed;
                try { parsed = TraceFormatParser.Parse(text); }
                catch (FormatException e) { throw new Xunit.Sdk.XunitException($"{format} does not parse: {e.Message}"); }
                events.Add(new Event(Path.GetFileName(system), Path.GetFileName(folder), parsed));
            }
        return events;
    }

    private static CodegenRequest Records(IReadOnlyList<Event> events) => new(
        EquatableArray<KernelTypeRequest>.Empty, EquatableArray<RawTracepointRequest>.Empty,
        events.Select((e, i) => new TracepointRecordRequest(e.System, e.Name, new TargetStruct("Every", EquatableArray<string>.Empty, "E" + i, "public partial struct"), null))
            .ToEquatableArray());

    [TracefsFact]
    public void Every_event_parses_and_generates_from_its_format_file_and_from_btf_with_the_format_files_offsets_and_sizes()
    {
        List<Event> events = AllEvents();
        Assert.NotEmpty(events);
        GenBtf btf = GenBtf.Parse(File.ReadAllBytes(KernelBtfFactAttribute.Path));
        List<SystemFormat> formats = events.Select(e => new SystemFormat(e.System, e.Format)).ToList();

        var (fromFormats, formatDiagnostics) = Codegen.GenerateSingleFile(btf, Records(events), [], formats);
        Assert.Empty(formatDiagnostics);
        int checkedFields = CheckLayouts(fromFormats, events, events.Select((_, i) => i));

        var (fromBtf, btfDiagnostics) = Codegen.GenerateSingleFile(btf, Records(events), [], []);
        var missing = btfDiagnostics.Where(d => d.Severity == CodegenSeverity.Error).ToList();
        Assert.All(missing, d => Assert.Equal(DiagnosticIds.UnknownTracepoint, d.Id));
        var notInBtf = new HashSet<string>(missing.Select(d => d.Message.Split('\'')[1]), StringComparer.Ordinal);
        var generated = Enumerable.Range(0, events.Count).Where(i => !notInBtf.Contains(events[i].System + "/" + events[i].Name)).ToList();
        int checkedBtfFields = CheckLayouts(fromBtf, events, generated);

        output.WriteLine($"{events.Count} tracefs events: all parse and generate from their format files ({checkedFields} fields checked); " +
            $"{generated.Count} also from BTF alone ({checkedBtfFields} fields checked); without a header or format file BTF cannot give the rest: " +
            string.Join(", ", notInBtf.GroupBy(n => n.Split('/')[0]).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine("not from BTF: " + string.Join(" ", notInBtf.Order(StringComparer.Ordinal)));
        // Every event with a trace_event_raw_ struct of its own generates from BTF; the misses are syscall events
        // (built at run time from syscall metadata), ftrace's own, and DEFINE_EVENTs whose prototype fits classes of different layouts.
        var ownStructMissed = notInBtf.Where(n => btf.FindByName("trace_event_raw_" + n.Split('/')[1], gen::Nectar.Btf.BtfKind.Struct) != null).ToList();
        Assert.True(ownStructMissed.Count == 0, "have trace_event_raw_<event> but did not generate from BTF: " + string.Join(", ", ownStructMissed));
        Assert.True(generated.Count > 0);
    }

    // Compiles the generated records and measures each field where the runtime put it.
    private static int CheckLayouts(string source, List<Event> events, IEnumerable<int> indices)
    {
        Assembly assembly = GeneratedAssembly.Load(GeneratorHarness.Compilation([source]));
        int count = 0;
        foreach (int i in indices)
        {
            Event e = events[i];
            Type type = assembly.GetType("Every.E" + i) ?? throw new Xunit.Sdk.XunitException($"{e.System}/{e.Name}: no record generated");
            var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Select(x => (x.Name, Offset: GeneratedAssembly.OffsetOf(x), Size: GeneratedAssembly.SizeOf(x.FieldType))).ToList();
            foreach (TraceFormatField f in e.Format.Fields)
            {
                if (f.Size == 0 && !f.DataLoc && !f.RelLoc)
                {
                    // A flexible array (ftrace's own events): read from its offset to the record's end.
                    MethodInfo read = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
                        .Single(m => m.ReturnType == typeof(ReadOnlySpan<byte>) && m.Name.Equals("Get" + f.Name.Replace("_", ""), StringComparison.OrdinalIgnoreCase));
                    Assert.Contains(" " + read.Name + "(global::System.ReadOnlySpan<byte> record) => record.Slice(" + f.Offset + ");", source);
                    count++;
                    continue;
                }
                // A field is where the format file says, with its size (a __data_loc word is 4 bytes); a scalar in a
                // wider slot (a syscall record's "int dfd; size:8;") is its C type at the slot's start (little-endian).
                bool widened = f.ArrayLength == 0 && !f.DataLoc && !f.RelLoc && !f.CType.EndsWith('*');
                bool found = fields.Any(x => x.Offset == f.Offset && (x.Size == f.Size || (widened && x.Size < f.Size)));
                Assert.True(found, $"{e.System}/{e.Name}: no field at offset {f.Offset} of size {f.Size} for '{f.Declaration}' (fields: " +
                    string.Join(", ", fields.Select(x => $"{x.Name}@{x.Offset}:{x.Size}")) + ")");
                count++;
            }
        }
        return count;
    }
}
