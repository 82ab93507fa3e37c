extern alias gen;
using gen::Nectar.Btf;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;
using Xunit.Abstractions;
using GenBtf = gen::Nectar.Btf.Btf;

namespace Nectar.Generator.Tests.Tracepoints;

/// <summary>Raw tracepoint argument names from BTF's own FUNCs, without any trace header.</summary>
public class TracepointNamesTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, TracepointPrototype> NoHeaders = new(StringComparer.Ordinal);

    private static GenBtf Fixture => GenBtf.Parse(Fixtures.VmlinuxBtfBytes);

    // Counted independently of the resolver: every btf_trace_ typedef is one raw tracepoint.
    private static List<string> Typedefs(GenBtf btf) => btf.Types
        .Where(t => t.Kind == BtfKind.Typedef && t.Name.StartsWith("btf_trace_", StringComparison.Ordinal))
        .Select(t => t.Name.Substring("btf_trace_".Length)).ToList();

    [Fact]
    public void Every_raw_tracepoint_of_the_fixture_is_named_from_its_traceiter_without_headers()
    {
        GenBtf btf = Fixture;
        List<string> tracepoints = Typedefs(btf);
        Assert.Equal(1601, tracepoints.Count); // the fixture kernel's count (see Fixtures)
        var names = new TracepointNames(btf, NoHeaders);
        var unnamed = tracepoints.Where(t => names.Resolve(t) is not { Source: TracepointNameSource.Traceiter, Names: not null }).ToList();
        Assert.True(unnamed.Count == 0, "not named from BTF: " + string.Join(", ", unnamed.Take(20)));
        NamedTracepoint exec = names.Resolve("sched_process_exec")!;
        Assert.Equal(["p", "old_pid", "bprm"], exec.Names!);
        Assert.Equal("__traceiter_sched_process_exec", exec.Origin);
    }

    [KernelBtfFact]
    public void Every_raw_tracepoint_of_the_running_kernel_is_named_from_btf_without_headers()
    {
        GenBtf btf = GenBtf.Parse(File.ReadAllBytes(KernelBtfFactAttribute.Path));
        List<string> tracepoints = Typedefs(btf);
        Assert.NotEmpty(tracepoints);
        var names = new TracepointNames(btf, NoHeaders);
        var bySource = tracepoints.Select(t => names.Resolve(t)!).GroupBy(t => t.Source).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{tracepoints.Count} raw tracepoints: " + string.Join(", ", bySource.Select(kv => $"{kv.Value} from {kv.Key}")));
        Assert.Equal(tracepoints.Count, bySource.GetValueOrDefault(TracepointNameSource.Traceiter) + bySource.GetValueOrDefault(TracepointNameSource.EventClass));
    }

    [Fact]
    public void Without_traceiters_event_classes_name_what_they_can_as_the_class_names_them()
    {
        // As on older kernels (Debian's 6.1 keeps 639 __traceiter FUNCs): names from __bpf_trace_<class> only.
        // A DEFINE_EVENT may rename its class's parameters (dma_sync_sg_for_cpu says sg where its class
        // dma_sync_sg says sgl), so the class's names are the kernel's too, if not always the event's.
        GenBtf btf = Fixture;
        var full = new TracepointNames(btf, NoHeaders);
        var classesOnly = new TracepointNames(btf, NoHeaders, useTraceiter: false);
        int named = 0, total = 0, renamed = 0;
        foreach (string tracepoint in Typedefs(btf))
        {
            total++;
            NamedTracepoint fallback = classesOnly.Resolve(tracepoint)!;
            if (fallback.Source == TracepointNameSource.None) continue;
            Assert.Equal(TracepointNameSource.EventClass, fallback.Source);
            Assert.Equal(full.Resolve(tracepoint)!.Names!.Count, fallback.Names!.Count);
            if (!full.Resolve(tracepoint)!.Names!.SequenceEqual(fallback.Names!))
            {
                renamed++;
                output.WriteLine($"{tracepoint}: {fallback.Origin} says ({string.Join(", ", fallback.Names!)}), the event ({string.Join(", ", full.Resolve(tracepoint)!.Names!)})");
            }
            named++;
        }
        output.WriteLine($"event classes alone name {named} of {total} raw tracepoints; {renamed} of them with the class's names where the event renames");
        Assert.True(renamed * 20 < named, $"{renamed} of {named} named differently by their class than by their traceiter");
        Assert.True(named * 2 > total, $"event classes named only {named} of {total}");

        // sched_wakeup's prototype (struct task_struct *) is shared by classes that name it differently,
        // so only a header's DEFINE_EVENT says which class is its own.
        Assert.Equal(TracepointNameSource.None, classesOnly.Resolve("sched_wakeup")!.Source);
        var sched = TraceHeaderParser.Parse(File.ReadAllText(Fixtures.PathOf("trace-headers/sched.h")))
            .Where(p => p.Kind != PrototypeKind.EventClass).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First());
        NamedTracepoint wakeup = new TracepointNames(btf, sched, useTraceiter: false).Resolve("sched_wakeup")!;
        Assert.Equal(TracepointNameSource.EventClass, wakeup.Source);
        Assert.Equal("__bpf_trace_sched_wakeup_template", wakeup.Origin);
        Assert.Equal(["p"], wakeup.Names!);
    }

    [Fact]
    public void Btf_without_funcs_falls_back_to_the_header_then_to_numbers()
    {
        var b = new BtfBuilder();
        uint voidPtr = b.AddPointer(0);
        uint integer = b.AddInt("int", 4, BtfIntEncoding.Signed);
        uint proto = b.AddFuncProto(0, [new BtfParam("", voidPtr), new BtfParam("", integer), new BtfParam("", integer)]);
        b.AddTypedef("btf_trace_with_header", b.AddPointer(proto));
        b.AddTypedef("btf_trace_without_header", b.AddPointer(proto));
        GenBtf btf = GenBtf.Parse(b.ToArray());
        var header = TraceHeaderParser.Parse("TRACE_EVENT(with_header, TP_PROTO(int cpu, int state), TP_ARGS(cpu, state));").Single();
        var names = new TracepointNames(btf, new Dictionary<string, TracepointPrototype> { ["with_header"] = header });

        NamedTracepoint withHeader = names.Resolve("with_header")!;
        Assert.Equal(TracepointNameSource.Header, withHeader.Source);
        Assert.Equal(["cpu", "state"], withHeader.Names!);
        NamedTracepoint without = names.Resolve("without_header")!;
        Assert.Equal(TracepointNameSource.None, without.Source);
        Assert.Null(without.Names);
        Assert.Equal("arg1", without.NameOf(1));
        Assert.Null(names.Resolve("absent"));
    }

    [Fact]
    public void A_func_whose_types_differ_from_the_typedef_is_not_trusted_for_names()
    {
        var b = new BtfBuilder();
        uint voidPtr = b.AddPointer(0);
        uint integer = b.AddInt("int", 4, BtfIntEncoding.Signed);
        uint longType = b.AddInt("long", 8, BtfIntEncoding.Signed);
        b.AddTypedef("btf_trace_tp", b.AddPointer(b.AddFuncProto(0, [new BtfParam("", voidPtr), new BtfParam("", integer)])));
        b.AddFunc("__traceiter_tp", b.AddFuncProto(integer, [new BtfParam("__data", voidPtr), new BtfParam("wrong", longType)]));
        b.AddFunc("__bpf_trace_tp", b.AddFuncProto(0, [new BtfParam("__data", voidPtr), new BtfParam("right", integer)]));
        NamedTracepoint tp = new TracepointNames(GenBtf.Parse(b.ToArray()), NoHeaders).Resolve("tp")!;
        Assert.Equal(TracepointNameSource.EventClass, tp.Source);
        Assert.Equal(["right"], tp.Names!);
    }

    [Fact]
    public void Classes_of_one_prototype_that_name_it_differently_give_no_names()
    {
        var b = new BtfBuilder();
        uint voidPtr = b.AddPointer(0);
        uint integer = b.AddInt("int", 4, BtfIntEncoding.Signed);
        b.AddTypedef("btf_trace_tp", b.AddPointer(b.AddFuncProto(0, [new BtfParam("", voidPtr), new BtfParam("", integer)])));
        b.AddFunc("__bpf_trace_one", b.AddFuncProto(0, [new BtfParam("__data", voidPtr), new BtfParam("cpu", integer)]));
        b.AddFunc("__bpf_trace_two", b.AddFuncProto(0, [new BtfParam("__data", voidPtr), new BtfParam("irq", integer)]));
        Assert.Equal(TracepointNameSource.None, new TracepointNames(GenBtf.Parse(b.ToArray()), NoHeaders).Resolve("tp")!.Source);
    }
}
