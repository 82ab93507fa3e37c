using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// A shared mapping of a file descriptor's pages (a ring buffer map, a perf event), unmapped on
/// Dispose or finalization. The pointer is valid only while this handle is alive.
/// </summary>
internal sealed unsafe class MemoryMapping : SafeHandle
{
    private MemoryMapping(void* address, nuint length) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((IntPtr)address);
        Length = length;
    }

    public nuint Length { get; }

    public byte* Address => (byte*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero || handle == new IntPtr(-1);

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/>, shared.</summary>
    internal static MemoryMapping Map(BpfFileDescriptor fd, nuint length, long offset, bool writable, string what)
    {
        int protection = Libc.ProtRead | (writable ? Libc.ProtWrite : 0);
        void* address = Libc.Mmap(null, length, protection, Libc.MapShared, fd.Value, offset);
        if (address == (void*)-1)
            throw Bpf.ToException($"Mapping {length} bytes of {what} into memory", Marshal.GetLastPInvokeError());
        return new MemoryMapping(address, length);
    }

    protected override bool ReleaseHandle() => Libc.Munmap((void*)handle, Length) == 0;
}
