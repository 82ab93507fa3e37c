using Nectar.Interop;
using Nectar.Links;

namespace Nectar.Programs;

/// <summary>A program loaded into the kernel. <see cref="Attach()"/> it; Dispose unloads it (once no link holds it).</summary>
public sealed partial class BpfProgram : IDisposable
{
    private BpfProgram(ProgramSpec spec, BpfFileDescriptor fd, uint attachBtfId)
    {
        Spec = spec;
        Fd = fd;
        AttachBtfId = attachBtfId;
    }

    public ProgramSpec Spec { get; }

    public string Name => Spec.Name;

    public ProgramSection Section => Spec.Section;

    public BpfFileDescriptor Fd { get; }

    private uint _id;

    /// <summary>The kernel's id for the program (as `bpftool prog list` and `nectar prog list` show it); asked once, then kept.</summary>
    public uint Id => _id != 0 ? _id : _id = ObjectInfo.Id(Fd);

    /// <summary>The vmlinux BTF id the program was loaded against (tp_btf, fentry, fexit); 0 otherwise.</summary>
    public uint AttachBtfId { get; }

    /// <summary>Attaches to the target its section names (raw_tp/sys_enter, kprobe/do_sys_openat2, ...).</summary>
    public BpfLink Attach() => Attach(Section.Target);

    /// <summary>Attaches to <paramref name="target"/>, for sections that name none (SEC("kprobe")) or to override it.</summary>
    public BpfLink Attach(string target) => Section.Kind switch
    {
        AttachKind.RawTracepoint => RawTracepointLink.Attach(this, RequireTarget(target)),
        AttachKind.TracepointBtf or AttachKind.Fentry or AttachKind.Fexit or AttachKind.ModifyReturn or AttachKind.Lsm => TracingLink.Attach(this),
        AttachKind.Tracepoint => TracepointLink.Attach(this, RequireTarget(target)),
        AttachKind.Kprobe or AttachKind.Kretprobe => KprobeLink.Attach(this,
            Section.IsSyscallProbe ? SyscallWrappers.FunctionOf(RequireTarget(target)) : RequireTarget(target), Section.Kind == AttachKind.Kretprobe),
        AttachKind.Uprobe or AttachKind.Uretprobe => UprobeLink.Attach(this, UprobeTarget.Parse(RequireTarget(target)), null, Section.Kind == AttachKind.Uretprobe),
        AttachKind.Iterator => IteratorLink.Attach(this, new IteratorOptions()),
        AttachKind.PerfEvent => throw new NotSupportedException($"Program '{Name}' (section perf_event) runs on perf events: attach it with AttachPerfEvent(new PerfSampling {{ Frequency = ... }}), which opens one per CPU."),
        AttachKind.Xdp or AttachKind.Tcx or AttachKind.SocketFilter => throw new NotSupportedException(NetworkAttachHint),
        AttachKind.Cgroup => throw new NotSupportedException(CgroupAttachHint),
        AttachKind.UprobeMulti => UprobeMultiLink.Attach(this, RequireTarget(target), Section.Name.StartsWith("uretprobe", StringComparison.Ordinal)),
        AttachKind.Usdt => AttachUsdtTarget(RequireTarget(target)),
        AttachKind.LoadOnly => throw new NotSupportedException($"Program '{Name}': {Section.LoadOnlyHint}."),
        _ => throw new NotSupportedException(Section.UnsupportedReason),
    };

    public void Dispose() => Fd.Dispose();

    private string RequireTarget(string target) => target.Length > 0 ? target
        : throw new ArgumentException($"Program '{Name}' (section '{Section.Name}') names no attach target; pass one to Attach(target).");

    // Loading (BPF_PROG_LOAD with the verifier log) is in Loader/BpfProgram.Load.cs.
}
