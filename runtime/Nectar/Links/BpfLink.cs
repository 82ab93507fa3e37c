using Nectar.Interop;

namespace Nectar.Links;

/// <summary>
/// An attached program: what every Attach* method of <see cref="Programs.BpfProgram"/> returns.
/// While it is open the program runs; Dispose detaches it (and closes the perf event a tracepoint
/// or kprobe link goes through). Most attachments are one kernel BPF link (`bpftool link list`
/// shows it); some kinds are more than one (<see cref="BpfSamplingLink"/>: one per CPU; a USDT
/// probe: one per site) or none (<see cref="SocketFilterAttachment"/>: the socket holds the
/// program). The kinds with more to do derive from this class: <see cref="BpfIteratorLink"/> is
/// read, <see cref="BpfSamplingLink"/> lists its CPUs.
/// </summary>
/// <remarks>
/// Open, not abstract: a single kernel link (tracepoints, kprobes, XDP, cgroups, ...) needs nothing
/// beyond this class, so it is one. Its constructors are internal, so every kind is Nectar's own and
/// the rules below (what <see cref="Id"/> and <see cref="Pin"/> mean) hold for all of them.
/// </remarks>
public class BpfLink : IDisposable
{
    private readonly BpfFileDescriptor? _fd;
    // A perf event the link goes through (closed after it), or, before Linux 5.15, the perf event
    // that is the attachment itself (no BPF link: _fd is null then).
    private readonly BpfFileDescriptor? _perfEvent;
    // A link made of several (a USDT probe: one uprobe per site; sampling: one per CPU), and what to undo after them.
    private readonly IReadOnlyList<BpfLink> _parts = [];
    private Action? _detached;
    private uint _id;
    private int _disposed;

    /// <summary>One kernel BPF link, and the perf event it goes through if any.</summary>
    internal BpfLink(BpfFileDescriptor fd, string description, BpfFileDescriptor? perfEvent = null)
    {
        _fd = fd;
        Description = description;
        _perfEvent = perfEvent;
    }

    /// <summary>One handle for several links; <paramref name="detached"/> runs once, after they are all closed.</summary>
    internal BpfLink(IReadOnlyList<BpfLink> parts, string description, Action? detached)
    {
        Description = description;
        _parts = parts;
        _detached = detached;
    }

    /// <summary>An attachment that is no kernel object Nectar holds (a socket filter); the derived class detaches it.</summary>
    internal BpfLink(string description) => Description = description;

    /// <summary>
    /// A program run by a perf event through the perf event's own ioctls (kernels before 5.15 have
    /// no perf-event BPF links): no BPF link, so no <see cref="Id"/> and no pin; closing the perf event detaches it.
    /// </summary>
    internal static BpfLink OfPerfEvent(BpfFileDescriptor perfEvent, string description) => new(description, perfEvent);

    private BpfLink(string description, BpfFileDescriptor perfEvent)
    {
        Description = description;
        _perfEvent = perfEvent;
    }

    /// <summary>What is attached where ("count_sys_enter on raw_tp/sys_enter").</summary>
    public string Description { get; }

    /// <summary>
    /// The file descriptor of the kernel BPF link this attachment is; null when it is not exactly
    /// one (a socket filter, a perf event attached through its ioctls, several links).
    /// </summary>
    public BpfFileDescriptor? Fd => _fd ?? (_parts.Count == 1 ? _parts[0].Fd : null);

    /// <summary>How many kernel BPF links this attachment holds: 1 for most; one per site of a USDT probe, one per CPU of a sampling link; 0 for a socket filter.</summary>
    public int KernelLinkCount => _fd is not null ? 1 : _parts.Sum(p => p.KernelLinkCount);

    /// <summary>
    /// The kernel's id of the BPF link this attachment is (as `bpftool link list` shows it), asked
    /// once, then kept. Null unless the attachment is exactly one kernel link
    /// (<see cref="KernelLinkCount"/> is 1): a socket filter has none (the socket holds the
    /// program), a perf event attached through its ioctls has none, and a link of several
    /// (a USDT probe with many sites, sampling on many CPUs) has one per part
    /// (<see cref="BpfSamplingLink.Links"/> lists a sampling link's).
    /// </summary>
    public uint? Id
    {
        get
        {
            if (_fd is null)
                return _parts.Count == 1 ? _parts[0].Id : null;
            if (_id == 0)
                _id = ObjectInfo.Id(_fd);
            return _id;
        }
    }

    /// <summary>
    /// Pins the link in bpffs so it outlives this process; unlink the file to detach it. A pin holds
    /// one kernel link: anything else throws <see cref="NotSupportedException"/> saying why.
    /// </summary>
    /// <exception cref="NotSupportedException">The attachment is not one kernel BPF link (<see cref="KernelLinkCount"/> is not 1).</exception>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (_fd is not null)
            Pinning.Pin(_fd, path, $"link '{Description}'");
        else if (_parts.Count == 1)
            _parts[0].Pin(path);
        else
            throw new NotSupportedException(WhyNoPin);
    }

    /// <summary>Why <see cref="Pin"/> cannot hold this attachment, and what to do instead.</summary>
    private protected virtual string WhyNoPin => _parts.Count > 1
        ? $"Link '{Description}' is {_parts.Count} attachments (one per probe site or CPU); a bpffs pin holds one kernel link. Keep this process (which holds them) running, or pin each part where it is a link of its own (BpfSamplingLink.Links)."
        : $"Link '{Description}' is a perf event attached through its ioctls (this kernel, before 5.15, has no perf-event BPF links), not a BPF link: a bpffs pin cannot hold it. Keep this process running while it should stay attached.";

    /// <summary>Detaches: closes the link (or every part, then undoes what they needed). Safe to call again, from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Detach();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs once, on the first Dispose.</summary>
    private protected virtual void Detach()
    {
        foreach (var part in _parts)
            part.Dispose();
        Interlocked.Exchange(ref _detached, null)?.Invoke();
        _fd?.Dispose();
        _perfEvent?.Dispose();
    }

    public override string ToString() => Description;
}
