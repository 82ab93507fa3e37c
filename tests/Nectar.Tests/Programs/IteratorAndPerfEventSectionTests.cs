using Nectar.Btf;
using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Tests.Programs;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// iter/TARGET and perf_event sections: what they mean, how an iterator target is found in BTF
/// (a small BTF made with <see cref="BtfBuilder"/> stands for vmlinux), and the bad input around them.
/// </summary>
public sealed class IteratorAndPerfEventSectionTests
{
    [Theory]
    [InlineData("iter/task", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter, "task")]
    [InlineData("iter/task_file", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter, "task_file")]
    [InlineData("iter/bpf_map_elem", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter, "bpf_map_elem")]
    [InlineData("iter/ksym", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter, "ksym")]
    [InlineData("perf_event", AttachKind.PerfEvent, ProgramType.PerfEvent, AttachType.None, "")]
    [InlineData("iterx/task", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "task")]
    [InlineData("perf_events", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "")]
    public void Section_names_mean_what_libbpf_says(string name, AttachKind kind, ProgramType type, AttachType attach, string target)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal((kind, type, attach, target), (section.Kind, section.Type, section.ExpectedAttachType, section.Target));
    }

    [Fact]
    public void Iterators_resolve_their_target_at_load_and_perf_event_programs_do_not()
    {
        Assert.True(ProgramSection.Parse("iter/task").NeedsTargetToLoad);
        Assert.False(ProgramSection.Parse("perf_event").NeedsTargetToLoad);
        Assert.Equal(28u, (uint)AttachType.TraceIter); // BPF_TRACE_ITER in enum bpf_attach_type
    }

    [Fact]
    public void An_iterator_target_is_its_bpf_iter_function_taking_bpf_iter_meta()
    {
        var (btf, ids) = KernelLikeBtf();
        Assert.Equal(ids["task"], IteratorTargets.Find(btf, "task"));
        Assert.Equal(ids["task_file"], IteratorTargets.Find(btf, "task_file"));
        // bpf_iter_num_new is an open-coded iterator kfunc (no bpf_iter_meta): not a target.
        Assert.Equal(["bpf_map", "ksym", "task", "task_file"], IteratorTargets.All(btf));
    }

    [Fact]
    public void An_unknown_iterator_target_is_a_typed_error_naming_it_with_the_near_targets()
    {
        var (btf, _) = KernelLikeBtf();
        var error = Assert.Throws<UnknownAttachTargetException>(() => IteratorTargets.Find(btf, "tsk_file", "dump"));
        Assert.Equal("tsk_file", error.Target);
        Assert.Equal("task_file", error.Suggestions[0]);
        Assert.Contains("'iter/tsk_file'", error.Message);
        Assert.Contains("Did you mean 'iter/task_file'", error.Message);
        Assert.Contains("bpf_iter_tsk_file", error.Message);
    }

    [Fact]
    public void A_target_with_no_near_name_lists_every_target_the_kernel_has()
    {
        var (btf, _) = KernelLikeBtf();
        var error = Assert.Throws<UnknownAttachTargetException>(() => IteratorTargets.Find(btf, "no_such_target"));
        Assert.Empty(error.Suggestions);
        Assert.Contains("'no_such_target'", error.Message);
        Assert.Contains("Its targets are: bpf_map, ksym, task, task_file.", error.Message);
        // A kfunc named bpf_iter_* is no target either.
        Assert.Throws<UnknownAttachTargetException>(() => IteratorTargets.Find(btf, "num_new"));
    }

    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("0-1,4,6-7\n", new[] { 0, 1, 4, 6, 7 })]
    public void Online_cpu_lists_parse_to_cpu_numbers(string list, int[] cpus) =>
        Assert.Equal(cpus, OnlineCpus.Parse(list));

    [Fact]
    public void A_reversed_cpu_range_is_a_format_error() =>
        Assert.Contains("'3-1'", Assert.Throws<FormatException>(() => OnlineCpus.Parse("0,3-1")).Message);

    [Fact]
    public void Sampling_needs_exactly_one_of_frequency_and_period()
    {
        Assert.Contains("exactly one of Frequency", Assert.Throws<ArgumentException>(() => new PerfSampling().Validate("p")).Message);
        Assert.Contains("exactly one of Frequency", Assert.Throws<ArgumentException>(() => new PerfSampling { Frequency = 99, Period = 1000 }.Validate("p")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerfSampling { Period = 1000, Cpu = -2 }.Validate("p"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerfSampling { Period = 1000, ThreadId = 0 }.Validate("p"));
        new PerfSampling { Period = 1_000_000, Cpu = 0 }.Validate("p");
    }

    /// <summary>
    /// bpf_iter_task/task_file/bpf_map/ksym(struct bpf_iter_meta *meta, ...) as vmlinux declares
    /// them, and bpf_iter_num_new(struct bpf_iter_num *, int, int), a kfunc of the same prefix.
    /// </summary>
    private static (Btf Btf, Dictionary<string, uint> Ids) KernelLikeBtf()
    {
        var builder = new BtfBuilder();
        uint integer = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint meta = builder.AddStruct("bpf_iter_meta", 8, [new("session_id", integer, 0, 0)]);
        uint metaPointer = builder.AddPointer(meta);
        uint task = builder.AddStruct("task_struct", 4, [new("pid", integer, 0, 0)]);
        uint taskPointer = builder.AddPointer(task);
        uint num = builder.AddStruct("bpf_iter_num", 8, [new("state", integer, 0, 0)]);
        uint iterator = builder.AddFuncProto(integer, [new("meta", metaPointer), new("task", taskPointer)]);
        uint kfunc = builder.AddFuncProto(integer, [new("it", builder.AddPointer(num)), new("start", integer), new("end", integer)]);
        var ids = new Dictionary<string, uint>();
        foreach (var target in new[] { "task", "task_file", "bpf_map", "ksym" })
            ids[target] = builder.AddFunc("bpf_iter_" + target, iterator);
        builder.AddFunc("bpf_iter_num_new", kfunc);
        return (Btf.Parse(builder.ToArray()), ids);
    }
}
