using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>The few libc entry points Nectar needs. Only <c>Interop/</c> calls the kernel.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary>x86_64 syscall numbers; other architectures are rejected by <see cref="SyscallNumbers"/>.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, long arg1, void* arg2, long arg3);

    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall5(long number, void* arg1, long arg2, long arg3, long arg4, long arg5);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    [LibraryImport(Library, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>
    /// The C library's text for an errno value ("Operation not permitted"). The kernel's internal
    /// errnos (512 and up, which bpf(2) does return) are unknown to libc ("Unknown error 524"), so
    /// they are named here.
    /// </summary>
    internal static string ErrorText(int errno) => KernelErrorNames.Describe(errno)
        ?? Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
