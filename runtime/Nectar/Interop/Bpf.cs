using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// The bpf(2) system call, with errno turned into typed exceptions. Every call Nectar makes goes
/// through <see cref="TryCall"/>; the typed functions per command (Bpf.Maps.cs, Bpf.Programs.cs,
/// Bpf.Links.cs, ObjectInfo, Pinning, BtfHandle) are the only code that fills a bpf_attr, and this
/// folder is the only one that calls them (an architecture test checks it).
/// </summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// Calls bpf(cmd, &amp;attr, sizeof(attr)), retrying on EINTR and EAGAIN as libbpf does for loads.
    /// Returns the non-negative result; throws on failure.
    /// </summary>
    internal static int Call<TAttr>(BpfCommand command, ref TAttr attr, string operation) where TAttr : unmanaged
    {
        int result = TryCall(command, ref attr, out int errno);
        if (result < 0)
            throw ToException(operation, errno);
        return result;
    }

    /// <summary>Calls bpf(2) and reports errno instead of throwing; for probes and expected misses (ENOENT).</summary>
    internal static int TryCall<TAttr>(BpfCommand command, ref TAttr attr, out int errno) where TAttr : unmanaged
    {
        if (BpfSyscallHook.Current is { } fake)
            return fake.Invoke(command, new Span<byte>(Unsafe.AsPointer(ref attr), sizeof(TAttr)), out errno);
        if (SyscallNumbers.Bpf < 0)
            throw new PlatformNotSupportedException($"Nectar does not know the bpf syscall number on {RuntimeInformation.ProcessArchitecture}.");
        for (int attempt = 0; ; attempt++)
        {
            long result;
            fixed (TAttr* pointer = &attr)
                result = Libc.Syscall(SyscallNumbers.Bpf, (long)command, pointer, sizeof(TAttr));
            if (result >= 0)
            {
                errno = 0;
                return (int)result;
            }
            errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR && !(errno == Errno.EAGAIN && command == BpfCommand.ProgLoad && attempt < 5))
                return -1;
        }
    }

    /// <summary>Calls bpf(2) for a command that returns a new file descriptor.</summary>
    internal static BpfFileDescriptor CallForFd<TAttr>(BpfCommand command, ref TAttr attr, string operation) where TAttr : unmanaged
        => new(Call(command, ref attr, operation));

    internal static BpfException ToException(string operation, int errno) => errno switch
    {
        Errno.EPERM or Errno.EACCES => new BpfPermissionException(operation, errno),
        Errno.ENOSYS or Errno.EOPNOTSUPP or Errno.ENOTSUPP => new BpfNotSupportedException(operation, errno),
        _ => new BpfException($"{operation} failed: {Libc.ErrorText(errno)} (errno {errno}).", errno),
    };
}
