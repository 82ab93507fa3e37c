using System.Runtime.InteropServices;

namespace Nectar.Interop;

// The parts of union bpf_attr (and union bpf_iter_link_info) that BPF iterators use.

/// <summary>
/// union bpf_iter_link_info: which map a map-element iterator walks, or which task/process a task
/// iterator is limited to. 16 bytes, its largest member (cgroup: order, fd, id).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IteratorLinkInfo
{
    /// <summary>map.map_fd.</summary>
    [FieldOffset(0)] public uint MapFd;
    /// <summary>task.tid: one thread only.</summary>
    [FieldOffset(0)] public uint ThreadId;
    /// <summary>task.pid: the threads of one process only.</summary>
    [FieldOffset(4)] public uint ProcessId;
}

/// <summary>BPF_ITER_CREATE: a readable fd that runs the iterator link's program as it is read.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IterCreateAttr
{
    public uint LinkFd;
    public uint Flags;
}

/// <summary>read(2) on the fd BPF_ITER_CREATE returns (a seq_file).</summary>
internal static unsafe partial class IteratorFile
{
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>
    /// Reads up to buffer.Length bytes; 0 at the end. Retries EINTR, and EAGAIN, which the kernel
    /// returns when one read() walked very many objects (a million) without output: reading on
    /// continues where it stopped.
    /// </summary>
    internal static int ReadSome(BpfFileDescriptor fd, Span<byte> buffer, string operation)
    {
        fixed (byte* pointer = buffer)
        {
            while (true)
            {
                nint count = Read(fd.Value, pointer, (nuint)buffer.Length);
                if (count >= 0)
                    return (int)count;
                int errno = Marshal.GetLastPInvokeError();
                if (errno is Errno.EINTR or Errno.EAGAIN)
                    continue;
                throw Bpf.ToException(operation, errno);
            }
        }
    }
}
