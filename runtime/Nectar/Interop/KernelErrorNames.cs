namespace Nectar.Interop;

/// <summary>
/// Names for the kernel-internal errno values (include/linux/errno.h) that reach user space
/// through bpf(2) although libc has no text for them. ENOTSUPP (524) is the common one: the
/// kernel's answer for a feature it lacks or a combination it refuses (BTF-typed keys on an
/// fd-array map, an attach type a program type cannot have).
/// </summary>
internal static class KernelErrorNames
{
    /// <summary>The name and meaning of a kernel-internal errno, or null for ordinary errnos (libc knows those).</summary>
    internal static string? Describe(int errno) => errno switch
    {
        512 => "ERESTARTSYS, interrupted system call",
        513 => "ERESTARTNOINTR, interrupted system call",
        514 => "ERESTARTNOHAND, interrupted system call",
        515 => "ENOIOCTLCMD, no such ioctl command",
        516 => "ERESTART_RESTARTBLOCK, interrupted system call",
        517 => "EPROBE_DEFER, driver probe deferred",
        518 => "EOPENSTALE, stale open",
        519 => "ENOPARAM, no such parameter",
        521 => "EBADHANDLE, illegal NFS file handle",
        522 => "ENOTSYNC, update synchronization mismatch",
        523 => "EBADCOOKIE, cookie is stale",
        Errno.ENOTSUPP => "ENOTSUPP, operation not supported by the kernel",
        525 => "ETOOSMALL, buffer or request is too small",
        526 => "ESERVERFAULT, server fault",
        527 => "EBADTYPE, type not supported by server",
        528 => "EJUKEBOX, request initiated, but will not complete before timeout",
        529 => "EIOCBQUEUED, iocb queued",
        530 => "ERECALLCONFLICT, conflict with recalled state",
        _ => null,
    };
}
