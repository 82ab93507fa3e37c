using Nectar.Interop;

namespace Nectar;

/// <summary>The kernel refused: a bpf(2) or related system call failed. <see cref="ErrorNumber"/> is the errno.</summary>
public class BpfException : NectarException
{
    public BpfException(string message, int errorNumber, Exception? inner = null)
        : base(message, inner) => ErrorNumber = errorNumber;

    /// <summary>The errno the kernel returned.</summary>
    public int ErrorNumber { get; }
}

/// <summary>The kernel refused for lack of privilege (EPERM or EACCES).</summary>
public sealed class BpfPermissionException : BpfException
{
    public const string Fix = "Nectar needs root, or the capabilities CAP_BPF and CAP_PERFMON " +
        "granted to your application only, never to dotnet itself (`nectar check` says how: setcap on a published native binary, " +
        "or AmbientCapabilities= in a systemd unit), or run it with sudo.";

    public BpfPermissionException(string operation, int errorNumber)
        : base($"{operation} was refused ({Libc.ErrorText(errorNumber)}). {Fix}", errorNumber) { }
}

/// <summary>The running kernel does not support what was asked (ENOSYS, EOPNOTSUPP, ENOTSUPP).</summary>
public sealed class BpfNotSupportedException : BpfException
{
    public BpfNotSupportedException(string operation, int errorNumber)
        : base(Text(operation, errorNumber), errorNumber) { }

    // Only ENOSYS means bpf(2) itself is missing (an old kernel or one built without
    // CONFIG_BPF_SYSCALL). EOPNOTSUPP and ENOTSUPP come from a working bpf(2) refusing one feature
    // or combination, so the message says that and the errno, not a kernel version.
    private static string Text(string operation, int errno) => errno == Errno.ENOSYS
        ? $"{operation} failed: this kernel has no bpf(2) system call ({Libc.ErrorText(errno)}, errno {errno}). " +
          "Nectar needs Linux 5.8 or newer built with CONFIG_BPF_SYSCALL and BTF."
        : $"{operation} was refused by the kernel as not supported ({Libc.ErrorText(errno)}, errno {errno}): " +
          "this kernel does not offer this feature or combination of options.";
}
