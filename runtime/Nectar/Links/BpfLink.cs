using System.Text;
using Nectar.Interop;

namespace Nectar.Links;

/// <summary>
/// An attached program. While it is open the program runs; Dispose detaches it (and closes the
/// perf event a tracepoint or kprobe link goes through).
/// </summary>
public sealed unsafe class BpfLink : IDisposable
{
    private readonly BpfFileDescriptor? _perfEvent;
    // A link made of several (a USDT probe: one uprobe per site), and what to undo after them.
    private readonly IReadOnlyList<BpfLink> _parts = [];
    private Action? _detached;

    internal BpfLink(BpfFileDescriptor fd, string description, BpfFileDescriptor? perfEvent = null)
    {
        Fd = fd;
        Description = description;
        _perfEvent = perfEvent;
    }

    /// <summary>One handle for several links; <paramref name="detached"/> runs once, after they are all closed.</summary>
    internal BpfLink(IReadOnlyList<BpfLink> parts, string description, Action? detached)
    {
        Fd = parts[0].Fd;
        Description = description;
        _parts = parts;
        _detached = detached;
    }

    /// <summary>How many kernel links this one holds: 1, or one per site of a USDT probe.</summary>
    public int KernelLinkCount => Math.Max(1, _parts.Count);

    private uint _id;

    public BpfFileDescriptor Fd { get; }

    /// <summary>The kernel's id for the link (as `bpftool link list` shows it); asked once, then kept.</summary>
    public uint Id => _id != 0 ? _id : _id = ObjectInfo.Id(Fd);

    /// <summary>What is attached where ("count_sys_enter on raw_tp/sys_enter").</summary>
    public string Description { get; }

    /// <summary>Pins the link in bpffs so it outlives this process; unlink the file to detach it.</summary>
    public void Pin(string path)
    {
        if (_parts.Count > 1)
            throw new NotSupportedException($"Link '{Description}' is {_parts.Count} kernel links (one per probe site); a pin holds one. Pin the program instead, or keep this process running.");
        Pinning.Pin(Fd, path, $"link '{Description}'");
    }

    public void Dispose()
    {
        if (_parts.Count > 0)
        {
            foreach (var part in _parts)
                part.Dispose();
            Interlocked.Exchange(ref _detached, null)?.Invoke();
            return;
        }
        Fd.Dispose();
        _perfEvent?.Dispose();
    }

    public override string ToString() => Description;
}
