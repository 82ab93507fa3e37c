using System.Runtime.InteropServices;

namespace Nectar.Output;

/// <summary>
/// The open-files limit (RLIMIT_NOFILE) against what a program is about to open. A program that
/// runs out of descriptors halfway leaves a partial error at best; worse, the .NET runtime itself
/// aborts (exit 134) when it cannot get one for its own needs (a thread, a signal pipe). Checked
/// before anything is loaded, the shortfall is one clear line instead.
/// </summary>
public static unsafe partial class FileDescriptorLimit
{
    private const int RlimitNoFile = 7;

    /// <summary>
    /// Descriptors kept free for the .NET runtime and the libraries beside the program's own: at
    /// lower margins the runtime was seen to abort (exit 134) instead of a call failing with EMFILE.
    /// </summary>
    public const int RuntimeMargin = 48;

    /// <summary>The soft limit (what open() is held to); null if it cannot be read.</summary>
    public static long? Current
    {
        get
        {
            var limit = default(RLimit);
            return GetRLimit(RlimitNoFile, &limit) == 0 ? (long)Math.Min(limit.Soft, long.MaxValue) : null;
        }
    }

    /// <summary>Descriptors open in this process now (the entries of /proc/self/fd).</summary>
    public static int OpenNow()
    {
        // The entries are read with getdents64(2) and counted, nothing more: Directory's
        // enumeration also stats each one (they are symbolic links), a system call per
        // descriptor on every start of every program that checks its limit.
        int fd = Open("/proc/self/fd", ReadOnly | CloseOnExec);
        if (fd < 0)
            return 0;
        try
        {
            const int BufferSize = 4096;
            byte* buffer = stackalloc byte[BufferSize];
            int entries = 0;
            nint read;
            while ((read = GetDirectoryEntries(fd, buffer, BufferSize)) > 0)
            {
                // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
                for (nint offset = 0; offset < read; offset += *(ushort*)(buffer + offset + 16))
                {
                    byte* name = buffer + offset + 19;
                    bool dots = name[0] == (byte)'.' && (name[1] == 0 || (name[1] == (byte)'.' && name[2] == 0));
                    if (!dots)
                        entries++;
                }
            }
            // The enumeration's own descriptor is among the entries: one less.
            return Math.Max(0, entries - 1);
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>
    /// Null when <paramref name="needed"/> more descriptors (plus <see cref="RuntimeMargin"/>) fit
    /// under the limit; else why not and what to do, as one line.
    /// </summary>
    public static string? WhyTooLow(int needed)
    {
        if (Current is not { } limit)
            return null;
        int open = OpenNow();
        long wanted = open + needed + RuntimeMargin;
        if (wanted <= limit)
            return null;
        return $"the open-files limit is {limit} (ulimit -n), too low: {open} are open and this needs about {needed} more, " +
               $"plus {RuntimeMargin} for the .NET runtime. Raise it to {RoundUp(wanted)} or more (ulimit -n {RoundUp(wanted)}, or LimitNOFILE= in a systemd unit).";
    }

    private static long RoundUp(long value) => (value + 63) / 64 * 64;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, RLimit* limit);

    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (x86-64 and arm64 alike)

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDirectoryEntries(int fd, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
