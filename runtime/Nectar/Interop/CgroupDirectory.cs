using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// Opens a cgroup v2 directory the way BPF_LINK_CREATE wants it (O_RDONLY | O_DIRECTORY) and
/// checks with fstatfs that it is one: the kernel answers a cgroup v1 or plain directory only with
/// EBADF, which says nothing about the path.
/// </summary>
internal static unsafe partial class CgroupDirectory
{
    /// <summary>CGROUP2_SUPER_MAGIC, statfs.f_type of a cgroup v2 file system.</summary>
    internal const long CgroupV2Magic = 0x63677270;

    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;
    // O_DIRECTORY differs by architecture: x86 and most others 0x10000, arm and arm64 0x4000.
    private static int O_DIRECTORY => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    private static partial int FStatFs(int fd, byte* buffer);

    /// <summary>Opens <paramref name="path"/> as a directory; the fd, or -1 and the errno.</summary>
    internal static int TryOpen(string path, out int errno)
    {
        int fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>The file system magic (statfs.f_type) of the file <paramref name="fd"/> is open on; -1 and the errno on failure.</summary>
    internal static long FileSystemType(SafeHandle fd, out int errno)
    {
        // struct statfs is 120 bytes on 64-bit Linux and starts with f_type (a long); room to spare.
        byte* buffer = stackalloc byte[256];
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            if (FStatFs((int)fd.DangerousGetHandle(), buffer) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return -1;
            }
            errno = 0;
            return IntPtr.Size == 8 ? *(long*)buffer : *(int*)buffer;
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }
}
