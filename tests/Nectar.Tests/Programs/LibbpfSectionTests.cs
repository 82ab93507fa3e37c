using Nectar.Programs;

namespace Nectar.Tests.Programs;

/// <summary>The rest of libbpf 1.x's section table: each name's program type, expected attach type, kind, target and flags.</summary>
public class LibbpfSectionTests
{
    [Theory]
    [InlineData("raw_tp.w/nbd_send_request", AttachKind.RawTracepoint, ProgramType.RawTracepointWritable, AttachType.None, "nbd_send_request")]
    [InlineData("raw_tracepoint.w/nbd_send_request", AttachKind.RawTracepoint, ProgramType.RawTracepointWritable, AttachType.None, "nbd_send_request")]
    [InlineData("ksyscall/openat", AttachKind.Kprobe, ProgramType.Kprobe, AttachType.None, "openat")]
    [InlineData("kretsyscall/openat", AttachKind.Kretprobe, ProgramType.Kprobe, AttachType.None, "openat")]
    [InlineData("fentry.s/vfs_read", AttachKind.Fentry, ProgramType.Tracing, AttachType.TraceFentry, "vfs_read")]
    [InlineData("fexit.s/vfs_read", AttachKind.Fexit, ProgramType.Tracing, AttachType.TraceFexit, "vfs_read")]
    [InlineData("fmod_ret/bpf_modify_return_test", AttachKind.ModifyReturn, ProgramType.Tracing, AttachType.ModifyReturn, "bpf_modify_return_test")]
    [InlineData("lsm/file_open", AttachKind.Lsm, ProgramType.Lsm, AttachType.LsmMac, "file_open")]
    [InlineData("lsm.s/file_open", AttachKind.Lsm, ProgramType.Lsm, AttachType.LsmMac, "file_open")]
    [InlineData("iter.s/task", AttachKind.Iterator, ProgramType.Tracing, AttachType.TraceIter, "task")]
    [InlineData("kprobe.multi/vfs_*", AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeMulti, "vfs_*")]
    [InlineData("kretprobe.multi/vfs_*", AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeMulti, "vfs_*")]
    [InlineData("uprobe.multi//bin/true:main", AttachKind.UprobeMulti, ProgramType.Kprobe, AttachType.TraceUprobeMulti, "/bin/true:main")]
    [InlineData("usdt", AttachKind.Usdt, ProgramType.Kprobe, AttachType.None, "")]
    [InlineData("usdt/./app:provider:probe", AttachKind.Usdt, ProgramType.Kprobe, AttachType.None, "./app:provider:probe")]
    [InlineData("usdt.s/./app:provider:probe", AttachKind.Usdt, ProgramType.Kprobe, AttachType.None, "./app:provider:probe")]
    [InlineData("xdp/devmap", AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpDevmap, "")]
    [InlineData("xdp/cpumap", AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpCpumap, "")]
    [InlineData("xdp.frags/devmap", AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpDevmap, "")]
    [InlineData("flow_dissector", AttachKind.LoadOnly, ProgramType.FlowDissector, AttachType.FlowDissector, "")]
    [InlineData("lwt_xmit", AttachKind.LoadOnly, ProgramType.LwtXmit, AttachType.None, "")]
    [InlineData("sk_reuseport", AttachKind.LoadOnly, ProgramType.SkReuseport, AttachType.SkReuseportSelect, "")]
    [InlineData("sk_reuseport/migrate", AttachKind.LoadOnly, ProgramType.SkReuseport, AttachType.SkReuseportSelectOrMigrate, "")]
    [InlineData("cgroup/skb", AttachKind.Cgroup, ProgramType.CgroupSkb, AttachType.None, "")]
    [InlineData("sk_skb/stream_parser", AttachKind.LoadOnly, ProgramType.SkSkb, AttachType.SkSkbStreamParser, "")]
    [InlineData("sk_msg", AttachKind.LoadOnly, ProgramType.SkMsg, AttachType.SkMsgVerdict, "")]
    [InlineData("syscall", AttachKind.LoadOnly, ProgramType.Syscall, AttachType.None, "")]
    [InlineData("struct_ops/init", AttachKind.Unsupported, ProgramType.StructOps, AttachType.None, "init")]
    [InlineData("freplace/handler", AttachKind.Unsupported, ProgramType.Ext, AttachType.None, "handler")]
    [InlineData("xdp/other", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "other")]
    [InlineData("lsmx/file_open", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "file_open")]
    public void Libbpf_section_names_mean_what_libbpf_says(string name, AttachKind kind, ProgramType type, AttachType attach, string target)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal((kind, type, attach, target), (section.Kind, section.Type, section.ExpectedAttachType, section.Target));
    }

    [Theory]
    [InlineData("fentry.s/vfs_read", true)]
    [InlineData("lsm.s/file_open", true)]
    [InlineData("iter.s/task", true)]
    [InlineData("syscall", true)]
    [InlineData("uprobe.s//bin/true:main", true)]
    [InlineData("fentry/vfs_read", false)]
    [InlineData("lsm/file_open", false)]
    [InlineData("xdp.frags/devmap", false)]
    public void Sleepable_sections_load_with_BPF_F_SLEEPABLE(string name, bool sleepable)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal(sleepable, section.IsSleepable);
        Assert.Equal(sleepable, (section.LoadFlags & ProgramFlags.Sleepable) != 0);
    }

    [Fact]
    public void Xdp_frags_map_programs_load_with_BPF_F_XDP_HAS_FRAGS()
    {
        Assert.True(ProgramSection.Parse("xdp.frags/cpumap").IsXdpFrags);
        Assert.False(ProgramSection.Parse("xdp/cpumap").IsXdpFrags);
    }

    [Fact]
    public void Load_only_and_refused_sections_say_what_attaches_them_or_why_not()
    {
        Assert.Contains("BPF_MAP_TYPE_DEVMAP", ProgramSection.Parse("xdp/devmap").LoadOnlyHint);
        Assert.Contains("ip route", ProgramSection.Parse("lwt_in").LoadOnlyHint);
        Assert.Contains("struct_ops map", ProgramSection.Parse("struct_ops/init").UnsupportedReason);
        Assert.Contains("'xdp/other'", ProgramSection.Parse("xdp/other").UnsupportedReason);
    }

    [Fact]
    public void Ksyscall_names_the_syscall_and_is_flagged_as_one()
    {
        Assert.True(ProgramSection.Parse("ksyscall/openat").IsSyscallProbe);
        Assert.True(ProgramSection.Parse("kretsyscall/openat").IsSyscallProbe);
        Assert.False(ProgramSection.Parse("kprobe/openat").IsSyscallProbe);
    }
}
