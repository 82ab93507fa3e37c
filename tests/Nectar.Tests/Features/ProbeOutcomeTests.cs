using Nectar.Features;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Tests.Features;

/// <summary>How a probe's answer from the kernel becomes "available" or a reason, and what each probe asks for.</summary>
public class ProbeOutcomeTests
{
    [Fact]
    public void A_probe_expected_to_load_is_available_when_it_loads_and_otherwise_names_the_errno_and_its_meaning()
    {
        Assert.Null(ProbeOutcome.Interpret("loading x", ProbeExpectation.Loads, succeeded: true, 0, ""));
        string? refused = ProbeOutcome.Interpret("loading the smallest iter/task program", ProbeExpectation.Loads, succeeded: false, Errno.EPERM, "");
        Assert.StartsWith("loading the smallest iter/task program was refused with EPERM (Operation not permitted)", refused);
        Assert.Contains("security module", refused);
    }

    [Fact]
    public void The_verifier_line_that_names_the_problem_is_kept_and_its_statistics_are_dropped()
    {
        string log = "0: R1=ctx() R10=fp0\nunknown func bpf_foo#999\nprocessed 0 insns (limit 1000000) max_states_per_insn 0\n";
        Assert.EndsWith(": unknown func bpf_foo#999", ProbeOutcome.Interpret("loading y", ProbeExpectation.Loads, false, Errno.EINVAL, log));
    }

    [Fact]
    public void A_probe_that_expects_a_refusal_is_available_only_for_that_errno_and_that_reason()
    {
        var expectation = new ProbeExpectation(Errno.EINVAL, "attach_btf_id 1 is not a function");
        Assert.Null(ProbeOutcome.Interpret("t", expectation, false, Errno.EINVAL, "attach_btf_id 1 is not a function\n"));
        Assert.Contains("EPERM", ProbeOutcome.Interpret("t", expectation, false, Errno.EPERM, ""));
        Assert.Contains("not for the expected reason", ProbeOutcome.Interpret("t", expectation, false, Errno.EINVAL, "unknown attach type\n"));
        Assert.Contains("succeeded where the kernel should have refused it", ProbeOutcome.Interpret("t", expectation, true, 0, ""));
    }

    [Theory]
    [InlineData(Errno.ENOTSUPP, "ENOTSUPP (Operation not supported by this kernel)")]
    [InlineData(Errno.EINVAL, "EINVAL (Invalid argument)")]
    [InlineData(19, "ENODEV (No such device)")]
    public void Errnos_read_as_name_and_meaning(int errno, string text) => Assert.Equal(text, ProbeOutcome.ErrnoText(errno));

    [Fact]
    public void Program_types_that_need_an_attach_type_or_a_target_get_one_and_the_rest_load_bare()
    {
        Assert.Equal((uint)AttachType.CgroupGetsockopt, ProgramTypeProbes.For(ProgramType.CgroupSockopt).ExpectedAttachType);
        Assert.Equal((uint)AttachType.CgroupInet4Connect, ProgramTypeProbes.For(ProgramType.CgroupSockAddr).ExpectedAttachType);
        var tracing = ProgramTypeProbes.For(ProgramType.Tracing);
        Assert.Equal((1u, Errno.EINVAL), (tracing.AttachBtfId, tracing.Expect.Errno));
        Assert.Equal(Errno.ENOTSUPP, ProgramTypeProbes.For(ProgramType.StructOps).Expect.Errno);
        Assert.Equal(1u << 4, ProgramTypeProbes.For(ProgramType.Syscall).Flags);
        var xdp = ProgramTypeProbes.For(ProgramType.Xdp);
        Assert.Equal((0u, 0u, 0), (xdp.ExpectedAttachType, xdp.AttachBtfId, xdp.Expect.Errno));
        Assert.Equal(Enum.GetValues<ProgramType>().Length - 1, ProgramTypeProbes.All.Count());
    }

    [Fact]
    public void Map_types_get_the_sizes_and_companions_their_create_needs()
    {
        var ringbuf = MapTypeProbes.For(MapType.RingBuf, pageSize: 4096);
        Assert.Equal((0u, 0u, 4096u), (ringbuf.KeySize, ringbuf.ValueSize, ringbuf.MaxEntries));
        Assert.True(MapTypeProbes.For(MapType.TaskStorage, 4096).NeedsBtf);
        Assert.True(MapTypeProbes.For(MapType.HashOfMaps, 4096).NeedsInnerMap);
        Assert.Equal(8u, MapTypeProbes.For(MapType.StackTrace, 4096).ValueSize);
        Assert.Equal(0u, MapTypeProbes.For(MapType.Queue, 4096).KeySize);
        Assert.Equal(1u, MapTypeProbes.For(MapType.LpmTrie, 4096).Flags);
        Assert.Equal(Enum.GetValues<MapType>().Length - 1, MapTypeProbes.All.Count());
    }

    [Fact]
    public void A_feature_reads_as_bpftool_words_it()
    {
        Assert.Equal("program_type xdp is available", new KernelFeature(FeatureGroup.ProgramType, "xdp", null).ToString());
        Assert.Equal("attach_kind iter is NOT available: EPERM", new KernelFeature(FeatureGroup.AttachKind, "iter", "EPERM").ToString());
        Assert.Equal("iter_target task", new KernelFeature(FeatureGroup.IteratorTarget, "task", null) is var f ? $"{f.GroupName} {f.Name}" : "");
    }
}
