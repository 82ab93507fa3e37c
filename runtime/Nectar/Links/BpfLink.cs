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

    internal BpfLink(BpfFileDescriptor fd, string description, BpfFileDescriptor? perfEvent = null)
    {
        Fd = fd;
        Description = description;
        _perfEvent = perfEvent;
    }

    private uint _id;

    public BpfFileDescriptor Fd { get; }

    /// <summary>The kernel's id for the link (as `bpftool link list` shows it); asked once, then kept.</summary>
    public uint Id => _id != 0 ? _id : _id = ObjectInfo.Id(Fd);

    /// <summary>What is attached where ("count_sys_enter on raw_tp/sys_enter").</summary>
    public string Description { get; }

    /// <summary>Pins the link in bpffs so it outlives this process; unlink the file to detach it.</summary>
    public void Pin(string path) => Pinning.Pin(Fd, path, $"link '{Description}'");

    public void Dispose()
    {
        Fd.Dispose();
        _perfEvent?.Dispose();
    }

    public override string ToString() => Description;
}
