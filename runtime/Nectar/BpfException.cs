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
        "(for example: sudo setcap cap_bpf,cap_perfmon+ep $(which dotnet), or run with sudo).";

    public BpfPermissionException(string operation, int errorNumber)
        : base($"{operation} was refused ({Libc.ErrorText(errorNumber)}). {Fix}", errorNumber) { }
}

/// <summary>The running kernel does not support what was asked (ENOSYS, EOPNOTSUPP, ENOTSUPP).</summary>
public sealed class BpfNotSupportedException : BpfException
{
    public BpfNotSupportedException(string operation, int errorNumber)
        : base($"{operation} is not supported by this kernel ({Libc.ErrorText(errorNumber)}). " +
               "Nectar needs Linux 5.8 or newer built with CONFIG_BPF_SYSCALL and BTF.", errorNumber) { }
}
