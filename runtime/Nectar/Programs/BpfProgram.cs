using System.Runtime.InteropServices;
using Nectar.Interop;
using Nectar.Links;

namespace Nectar.Programs;

/// <summary>A program loaded into the kernel. <see cref="Attach()"/> it; Dispose unloads it (once no link holds it).</summary>
public sealed partial class BpfProgram : IDisposable
{
    private const uint FirstLogSize = 1 << 16;
    private const uint MaxLogSize = 1 << 28;

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

    /// <summary>BPF_PROG_LOAD; on rejection, loads again with a verifier log (grown until it fits) to explain why.</summary>
    internal static BpfProgram Load(ProgramLoadRequest request)
    {
        var spec = request.Spec;
        int fd = TryLoad(request, logLevel: 0, log: [], out int errno);
        if (fd >= 0)
            return new BpfProgram(spec, new BpfFileDescriptor(fd), request.AttachBtfId);
        if (errno is Errno.EPERM)
            throw RefusedException(spec, errno);

        for (uint size = FirstLogSize; ; size *= 4)
        {
            var log = new byte[size];
            fd = TryLoad(request, logLevel: 1, log, out errno);
            if (fd >= 0)
                return new BpfProgram(spec, new BpfFileDescriptor(fd), request.AttachBtfId);
            if (errno == Errno.ENOSPC && size < MaxLogSize)
                continue;
            string text = CString.Decode(log);
            if (text.Length == 0)
                throw Bpf.ToException($"Loading program '{spec.Name}' (section '{spec.Section.Name}')", errno);
            int? failing = VerifierLog.FailingInstruction(text);
            string? source = failing is { } i ? request.SourceLineOf?.Invoke(i) : null;
            string? relocation = failing is { } at && request.Poisoned?.TryGetValue(at, out var why) == true ? why : null;
            throw new BpfVerifierException(spec.Name, spec.Section.Name, errno, text, failing, source, relocation);
        }
    }

    /// <summary>
    /// EPERM from a root process is not a missing capability: the kernel's configuration or an LSM
    /// (lockdown, SELinux, BPF LSM) forbids this kind of program, so say that instead.
    /// </summary>
    private static BpfException RefusedException(ProgramSpec spec, int errno) => Libc.GetEffectiveUserId() == 0
        ? new BpfException($"Loading program '{spec.Name}' (section '{spec.Section.Name}') was refused (EPERM) although this process is root: " +
            $"this kernel's configuration or a security module (lockdown, SELinux, BPF LSM) forbids {KernelNames.ProgramType((uint)spec.Section.Type)} programs " +
            $"of this kind here (nectar check; bpftool shows the same).", errno)
        : Bpf.ToException($"Loading program '{spec.Name}'", errno);

    private static int TryLoad(ProgramLoadRequest request, uint logLevel, byte[] log, out int errno)
    {
        var spec = request.Spec;
        var program = new ProgLoadArguments
        {
            Name = spec.Name,
            Type = (uint)spec.Section.Type,
            Instructions = MemoryMarshal.AsBytes(request.Instructions.AsSpan()),
            License = spec.License,
            KernelVersion = request.KernelVersion,
            Flags = spec.Section.LoadFlags,
            ExpectedAttachType = (uint)spec.Section.ExpectedAttachType,
            AttachBtfId = request.AttachBtfId,
            BtfFd = request.BtfFd,
            FuncInfo = request.FuncInfo,
            FuncInfoCount = request.FuncInfoCount,
            LineInfo = request.LineInfo,
            LineInfoCount = request.LineInfoCount,
        };
        return Bpf.TryProgLoad(program, logLevel, log, out errno);
    }
}
