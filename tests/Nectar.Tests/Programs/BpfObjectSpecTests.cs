using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Programs;

public class BpfObjectSpecTests
{
    [Theory]
    [InlineData("tp_btf/sched_switch", AttachKind.TracepointBtf, ProgramType.Tracing, AttachType.TraceRawTp, "sched_switch")]
    [InlineData("raw_tp/sys_enter", AttachKind.RawTracepoint, ProgramType.RawTracepoint, AttachType.None, "sys_enter")]
    [InlineData("raw_tracepoint/sys_exit", AttachKind.RawTracepoint, ProgramType.RawTracepoint, AttachType.None, "sys_exit")]
    [InlineData("tracepoint/syscalls/sys_enter_openat", AttachKind.Tracepoint, ProgramType.Tracepoint, AttachType.None, "syscalls/sys_enter_openat")]
    [InlineData("tp/sched/sched_process_exec", AttachKind.Tracepoint, ProgramType.Tracepoint, AttachType.None, "sched/sched_process_exec")]
    [InlineData("kprobe/do_sys_openat2", AttachKind.Kprobe, ProgramType.Kprobe, AttachType.None, "do_sys_openat2")]
    [InlineData("kretprobe/do_sys_openat2", AttachKind.Kretprobe, ProgramType.Kprobe, AttachType.None, "do_sys_openat2")]
    [InlineData("fentry/vfs_read", AttachKind.Fentry, ProgramType.Tracing, AttachType.TraceFentry, "vfs_read")]
    [InlineData("fexit/vfs_read", AttachKind.Fexit, ProgramType.Tracing, AttachType.TraceFexit, "vfs_read")]
    [InlineData("kprobe", AttachKind.Kprobe, ProgramType.Kprobe, AttachType.None, "")]
    [InlineData("xdp", AttachKind.Xdp, ProgramType.Xdp, AttachType.Xdp, "")]
    [InlineData("xdp.frags", AttachKind.Xdp, ProgramType.Xdp, AttachType.Xdp, "")]
    [InlineData("tcx/ingress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxIngress, "ingress")]
    [InlineData("tcx/egress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxEgress, "egress")]
    [InlineData("tc/ingress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxIngress, "ingress")]
    [InlineData("tc/egress", AttachKind.Tcx, ProgramType.SchedCls, AttachType.TcxEgress, "egress")]
    [InlineData("tc", AttachKind.Tcx, ProgramType.SchedCls, AttachType.None, "")]
    [InlineData("classifier", AttachKind.Tcx, ProgramType.SchedCls, AttachType.None, "")]
    [InlineData("socket", AttachKind.SocketFilter, ProgramType.SocketFilter, AttachType.None, "")]
    [InlineData("xdp/devmap", AttachKind.LoadOnly, ProgramType.Xdp, AttachType.XdpDevmap, "")]
    [InlineData("tcx/sideways", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "sideways")]
    [InlineData("sk_lookup", AttachKind.LoadOnly, ProgramType.SkLookup, AttachType.SkLookup, "")]
    [InlineData("kprobe.multi/vfs_*", AttachKind.LoadOnly, ProgramType.Kprobe, AttachType.TraceKprobeMulti, "vfs_*")]
    [InlineData("tp_btfx/foo", AttachKind.Unsupported, ProgramType.Unspecified, AttachType.None, "foo")]
    public void Section_names_mean_what_libbpf_says(string name, AttachKind kind, ProgramType type, AttachType attach, string target)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal((kind, type, attach, target), (section.Kind, section.Type, section.ExpectedAttachType, section.Target));
    }

    [Fact]
    public void Two_programs_of_one_section_are_linked_with_the_subprograms_they_call()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("subprograms"));
        Assert.Equal(["add_one", "add_two"], spec.Programs.Keys.Order());
        Assert.Equal("GPL", spec.License);

        var addOne = spec.Programs["add_one"];
        Assert.Equal(["add_one", "add"], addOne.Layout.Select(l => l.Function.Name));
        var addTwo = spec.Programs["add_two"];
        Assert.Equal(["add_two", "add_twice", "add"], addTwo.Layout.Select(l => l.Function.Name));

        // Every bpf-to-bpf call now lands on the first instruction of a placed function.
        foreach (var program in new[] { addOne, addTwo })
        {
            var starts = program.Layout.Select(l => l.Start).ToHashSet();
            for (int i = 0; i < program.Instructions.Length; i++)
            {
                if (program.Instructions[i].IsBpfToBpfCall)
                    Assert.Contains(i + 1 + program.Instructions[i].Immediate, starts);
            }
        }
        Assert.Contains(addTwo.MapReferences, r => r.MapName == "legacy_counts" && r.ValueOffset is null);
        Assert.Contains(addTwo.MapReferences, r => r.MapName == ".rodata" && r.ValueOffset == 0);
    }

    [Fact]
    public void Btf_defined_legacy_and_global_data_maps_are_read()
    {
        var counter = BpfObjectSpec.Read(BpfObjects.PathOf("tp_btf_counter"));
        var counts = counter.Maps["counts"];
        Assert.Equal((MapOrigin.BtfDefined, MapType.Array, 4u, 8u, 4u), (counts.Origin, counts.Attributes.Type, counts.Attributes.KeySize, counts.Attributes.ValueSize, counts.Attributes.MaxEntries));
        Assert.NotEqual(0u, counts.Attributes.BtfValueTypeId);
        var rodata = counter.Maps[".rodata"];
        Assert.True(rodata.FreezeAfterCreate);
        Assert.Equal(MapFlags.ReadOnlyForPrograms, rodata.Attributes.Flags);
        Assert.Equal("tp_btf_c.rodata", rodata.Attributes.Name);

        var legacy = BpfObjectSpec.Read(BpfObjects.PathOf("subprograms")).Maps["legacy_counts"];
        Assert.Equal((MapOrigin.Legacy, MapType.Array, 4u, 8u, 4u), (legacy.Origin, legacy.Attributes.Type, legacy.Attributes.KeySize, legacy.Attributes.ValueSize, legacy.Attributes.MaxEntries));

        var pinned = BpfObjectSpec.Read(BpfObjects.PathOf("pinned_map")).Maps["shared_totals"];
        Assert.Equal((MapPinning.ByName, MapType.Hash, 16u), (pinned.Pinning, pinned.Attributes.Type, pinned.Attributes.MaxEntries));
    }

    [Fact]
    public void Const_volatile_variable_is_set_in_the_rodata_image_and_checked_for_size()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("raw_tp_counter"));
        var variable = spec.Variables["target_tgid"];
        Assert.True(variable.IsConstant);
        Assert.Equal(0u, variable.Get<uint>());
        variable.Set(0xCAFEu);
        Assert.Equal(0xCAFEu, BitConverter.ToUInt32(spec.Maps[".rodata"].InitialValue!, variable.Offset));
        var error = Assert.Throws<ArgumentException>(() => variable.Set(1UL));
        Assert.Contains("4 bytes", error.Message);
        Assert.False(spec.Variables["syscalls"].IsConstant);
    }

    [Fact]
    public void Unsupported_sections_are_recognised_and_not_linked()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("unsupported_sections"));
        Assert.Equal(AttachKind.Unsupported, spec.Programs["replace_handler"].Section.Kind);
        Assert.Equal(AttachKind.Unsupported, spec.Programs["struct_ops_callback"].Section.Kind);
        Assert.Empty(spec.Programs["replace_handler"].Instructions);
        Assert.Contains("freplace", spec.Programs["replace_handler"].Section.UnsupportedReason);
        Assert.Contains("struct_ops map", spec.Programs["struct_ops_callback"].Section.UnsupportedReason);
        Assert.Equal(AttachKind.RawTracepoint, spec.Programs["supported_one"].Section.Kind);
    }

    [Fact]
    public void RingRecordTypeId_names_the_struct_NECTAR_RING_RECORD_declares_and_nothing_for_other_maps()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("exec_observer"));
        var btf = spec.Btf!;

        var id = spec.RingRecordTypeId("events");

        Assert.NotNull(id);
        Assert.Equal("exec_event", btf.SkipModifiersAndTypedefs(id.Value).Name);
        Assert.Null(spec.RingRecordTypeId("no_such_ring"));
        Assert.Null(BpfObjectSpec.Read(BpfObjects.PathOf("subprograms")).RingRecordTypeId("events"));
    }
}
