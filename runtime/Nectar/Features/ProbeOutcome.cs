using Nectar.Interop;

namespace Nectar.Features;

/// <summary>
/// What a probe expects of the kernel. Most probes expect the load to succeed; a few (tracing,
/// ext, lsm, struct_ops) cannot be loaded without a real target, so the probe gives a target the
/// kernel must reject with a known errno (and log text): getting that rejection, rather than an
/// earlier one, shows the kernel knows the type and lets this process use it.
/// </summary>
internal sealed record ProbeExpectation(int Errno = 0, string? LogText = null)
{
    public static readonly ProbeExpectation Loads = new();
}

/// <summary>Turns a probe's result into "available" (null) or the reason it was refused. Pure, so unit tests can feed it errnos.</summary>
internal static class ProbeOutcome
{
    /// <summary>Null when the probe shows the feature is there; otherwise why not, naming the errno and its meaning.</summary>
    public static string? Interpret(string what, ProbeExpectation expected, bool succeeded, int errno, string log)
    {
        if (expected.Errno == 0)
            return succeeded ? null : Refused(what, errno, log);
        if (succeeded)
            return $"{what} succeeded where the kernel should have refused it with {ErrnoText(expected.Errno)}; this kernel does not check it as the probe expects";
        if (errno != expected.Errno)
            return Refused(what, errno, log);
        if (expected.LogText is { } text && !log.Contains(text, StringComparison.Ordinal))
            return $"{what} was refused with {ErrnoText(errno)} as expected, but not for the expected reason ('{text}'): {LastLine(log)}";
        return null;
    }

    /// <summary>"EPERM (Operation not permitted)".</summary>
    public static string ErrnoText(int errno) => $"{ErrnoName(errno)} ({Meaning(errno)})";

    public static string ErrnoName(int errno) => errno switch
    {
        Interop.Errno.EPERM => "EPERM",
        Interop.Errno.ENOENT => "ENOENT",
        Interop.Errno.E2BIG => "E2BIG",
        Interop.Errno.EBADF => "EBADF",
        Interop.Errno.EAGAIN => "EAGAIN",
        Interop.Errno.ENOMEM => "ENOMEM",
        Interop.Errno.EACCES => "EACCES",
        Interop.Errno.EFAULT => "EFAULT",
        Interop.Errno.EBUSY => "EBUSY",
        Interop.Errno.EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        Interop.Errno.EINVAL => "EINVAL",
        Interop.Errno.ENOSPC => "ENOSPC",
        Interop.Errno.ENOSYS => "ENOSYS",
        Interop.Errno.EOPNOTSUPP => "EOPNOTSUPP",
        Interop.Errno.ENOTSUPP => "ENOTSUPP",
        _ => $"errno {errno}",
    };

    internal const int ENODEV = 19;

    private static string Meaning(int errno) => errno switch
    {
        // The kernel-internal ENOTSUPP has no strerror text of its own.
        Interop.Errno.ENOTSUPP => "Operation not supported by this kernel",
        _ when OperatingSystem.IsLinux() => Libc.ErrorText(errno),
        _ => "error " + errno,
    };

    private static string Refused(string what, int errno, string log) =>
        $"{what} was refused with {ErrnoText(errno)}{Why(errno)}" + (LastLine(log) is { Length: > 0 } line ? $": {line}" : "");

    /// <summary>What the errno says about the kernel, for the errnos a probe meets.</summary>
    private static string Why(int errno) => errno switch
    {
        Interop.Errno.EPERM or Interop.Errno.EACCES => "; as root, that is this kernel's configuration or a security module (lockdown, SELinux, BPF LSM)",
        Interop.Errno.EINVAL => "; this kernel does not know it (too old, or built without it)",
        Interop.Errno.ENOTSUPP or Interop.Errno.EOPNOTSUPP => "; this kernel is built without it",
        _ => "",
    };

    /// <summary>The verifier's last line, which names what it objected to.</summary>
    private static string LastLine(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("processed ", StringComparison.Ordinal) && !line.StartsWith("verification time", StringComparison.Ordinal))
            .ToArray();
        return lines.Length == 0 ? "" : lines[^1];
    }
}
