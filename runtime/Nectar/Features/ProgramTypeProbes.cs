using Nectar.Programs;

namespace Nectar.Features;

/// <summary>The smallest program of one type ("r0 = 0; exit") and what the kernel must answer for the type to count as available.</summary>
internal sealed record ProgramProbe(ProgramType Type, ProbeExpectation Expect)
{
    public uint ExpectedAttachType { get; init; }
    public uint Flags { get; init; }
    public uint AttachBtfId { get; init; }
}

/// <summary>
/// How each program type is probed. Pure: which load attributes a type needs is decided here, and
/// <see cref="KernelFeatures"/> makes the call. Types whose load needs an attach type get one the
/// kernel accepts for them; tracing, lsm and ext need a BTF target, so they get type id 1 (never a
/// function in vmlinux BTF) and must be refused for exactly that reason, as bpftool does.
/// </summary>
internal static class ProgramTypeProbes
{
    // enum bpf_attach_type values the probes need beyond Nectar's AttachType.
    private const uint LircMode2 = 16;
    private const uint LsmMac = 27;
    private const uint SkLookup = 36;
    private const uint Netfilter = 45;

    /// <summary>Every program type after BPF_PROG_TYPE_UNSPEC, in the kernel's order (bpftool's too).</summary>
    public static IEnumerable<ProgramType> All =>
        Enum.GetValues<ProgramType>().Where(type => type != ProgramType.Unspecified);

    public static ProgramProbe For(ProgramType type) => type switch
    {
        ProgramType.CgroupSockAddr => new(type, ProbeExpectation.Loads) { ExpectedAttachType = (uint)AttachType.CgroupInet4Connect },
        ProgramType.CgroupSockopt => new(type, ProbeExpectation.Loads) { ExpectedAttachType = (uint)AttachType.CgroupGetsockopt },
        ProgramType.SkLookup => new(type, ProbeExpectation.Loads) { ExpectedAttachType = SkLookup },
        ProgramType.LircMode2 => new(type, ProbeExpectation.Loads) { ExpectedAttachType = LircMode2 },
        ProgramType.Netfilter => new(type, ProbeExpectation.Loads) { ExpectedAttachType = Netfilter },
        ProgramType.Syscall => new(type, ProbeExpectation.Loads) { Flags = ProgramFlags.Sleepable },
        ProgramType.Tracing => new(type, new ProbeExpectation(Interop.Errno.EINVAL, "attach_btf_id 1 is not a function"))
            { ExpectedAttachType = (uint)AttachType.TraceFentry, AttachBtfId = 1 },
        ProgramType.Lsm => new(type, new ProbeExpectation(Interop.Errno.EINVAL, "attach_btf_id 1 is not a function"))
            { ExpectedAttachType = LsmMac, AttachBtfId = 1 },
        ProgramType.Ext => new(type, new ProbeExpectation(Interop.Errno.EINVAL, "Cannot replace kernel functions")) { AttachBtfId = 1 },
        // Without a struct_ops target the kernel answers ENOTSUPP, once it knows the type.
        ProgramType.StructOps => new(type, new ProbeExpectation(Interop.Errno.ENOTSUPP)),
        _ => new(type, ProbeExpectation.Loads),
    };
}
