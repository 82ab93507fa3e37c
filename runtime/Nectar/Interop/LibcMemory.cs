using System.Runtime.InteropServices;

namespace Nectar.Interop;

// mmap(2) and munmap(2): ring and perf buffers are read where the kernel writes them, and the
// kernel BTF where the kernel keeps it.
internal static unsafe partial class Libc
{
    internal const int ProtRead = 0x1;
    internal const int ProtWrite = 0x2;
    internal const int MapShared = 0x01;
    internal const int MapPrivate = 0x02;

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    internal static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(void* address, nuint length);

    [LibraryImport(Library, EntryPoint = "getpagesize")]
    internal static partial int GetPageSize();

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buffer, nuint count);
}
