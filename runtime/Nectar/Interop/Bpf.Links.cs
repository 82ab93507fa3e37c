namespace Nectar.Interop;

// The attach commands. BPF_LINK_CREATE has one path for every link Nectar makes (perf event,
// cgroup, tcx, xdp, iterator): they differ only in the target, the attach type, the flags and,
// for iterators, the iter_info that follows.
internal static unsafe partial class Bpf
{
    /// <summary>
    /// BPF_LINK_CREATE of <paramref name="program"/> on <paramref name="target"/> (a perf event or
    /// cgroup fd, an ifindex, or 0), with an iterator's iter_info when <paramref name="iteratorInfo"/>
    /// is not empty, or a perf event link's BPF <paramref name="cookie"/>. Returns the link, or null with <paramref name="errno"/>.
    /// </summary>
    internal static BpfFileDescriptor? TryLinkCreate(BpfFileDescriptor program, uint target, uint attachType, uint flags,
        out int errno, ReadOnlySpan<byte> iteratorInfo = default, ulong cookie = 0)
    {
        fixed (byte* info = iteratorInfo)
        {
            var attr = new LinkCreateAttr
            {
                ProgFd = (uint)program.Value,
                TargetFd = target,
                AttachType = attachType,
                Flags = flags,
                IterInfo = iteratorInfo.IsEmpty ? 0 : (ulong)info,
                IterInfoLength = (uint)iteratorInfo.Length,
            };
            if (iteratorInfo.IsEmpty)
                attr.PerfEventCookie = cookie;
            int fd = TryCall(BpfCommand.LinkCreate, ref attr, out errno);
            return fd >= 0 ? new BpfFileDescriptor(fd) : null;
        }
    }

    /// <summary>
    /// BPF_RAW_TRACEPOINT_OPEN: a raw tracepoint by <paramref name="name"/>, or with no name a
    /// tracing program (tp_btf, fentry, fexit) whose target was fixed at load.
    /// </summary>
    internal static BpfFileDescriptor RawTracepointOpen(BpfFileDescriptor program, string? name, string operation)
    {
        byte[]? encoded = name is null ? null : CString.Encode(name);
        fixed (byte* pointer = encoded)
        {
            var attr = new RawTracepointOpenAttr { Name = (ulong)pointer, ProgFd = (uint)program.Value };
            return CallForFd(BpfCommand.RawTracepointOpen, ref attr, operation);
        }
    }

    /// <summary>BPF_ITER_CREATE: a new run of an iterator link, read to its end.</summary>
    internal static BpfFileDescriptor IterCreate(BpfFileDescriptor link, string operation)
    {
        var attr = new IterCreateAttr { LinkFd = (uint)link.Value };
        return CallForFd(BpfCommand.IterCreate, ref attr, operation);
    }

    /// <summary>
    /// BPF_LINK_CREATE of a uprobe.multi program (Linux 6.6+): one link on every file offset of
    /// <paramref name="offsets"/> in <paramref name="path"/>, with optional semaphore offsets and
    /// BPF cookies (one per offset), for one process or, with <paramref name="processId"/> null, all.
    /// </summary>
    internal static BpfFileDescriptor UprobeMultiLinkCreate(BpfFileDescriptor program, string path, ReadOnlySpan<ulong> offsets,
        ReadOnlySpan<ulong> referenceCounterOffsets, ReadOnlySpan<ulong> cookies, bool isReturn, int? processId, string operation)
    {
        const uint ReturnFlag = 1; // BPF_F_UPROBE_MULTI_RETURN
        const uint TraceUprobeMulti = 48; // BPF_TRACE_UPROBE_MULTI
        byte[] encodedPath = CString.Encode(path);
        fixed (byte* pathPointer = encodedPath)
        fixed (ulong* offsetPointer = offsets)
        fixed (ulong* referenceCounterPointer = referenceCounterOffsets)
        fixed (ulong* cookiePointer = cookies)
        {
            var attr = new UprobeMultiLinkCreateAttr
            {
                ProgFd = (uint)program.Value,
                AttachType = TraceUprobeMulti,
                Path = (ulong)pathPointer,
                Offsets = (ulong)offsetPointer,
                RefCtrOffsets = referenceCounterOffsets.IsEmpty ? 0 : (ulong)referenceCounterPointer,
                Cookies = cookies.IsEmpty ? 0 : (ulong)cookiePointer,
                Count = (uint)offsets.Length,
                MultiFlags = isReturn ? ReturnFlag : 0,
                Pid = processId is { } pid ? (uint)pid : 0,
            };
            return CallForFd(BpfCommand.LinkCreate, ref attr, operation);
        }
    }
}
