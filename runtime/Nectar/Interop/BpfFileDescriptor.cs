using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// A file descriptor for a BPF object (map, program, link, BTF) or a perf event, closed on Dispose
/// or finalization. Every fd Nectar opens lives in one of these, so none can leak.
/// </summary>
public sealed class BpfFileDescriptor : SafeHandle
{
    public BpfFileDescriptor(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    private BpfFileDescriptor() : base(new IntPtr(-1), ownsHandle: true) { }

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor, for placing into a bpf_attr. Valid only while this handle is alive.</summary>
    public int Value => IsClosed ? throw new ObjectDisposedException(nameof(BpfFileDescriptor)) : (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;
}
