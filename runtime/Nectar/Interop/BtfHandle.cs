using System.Text;

namespace Nectar.Interop;

/// <summary>
/// Loading BTF into the kernel (BPF_BTF_LOAD), for maps and programs that refer to its types
/// (the loader's object BTF included).
/// </summary>
internal static unsafe class BtfHandle
{
    // The log buffer of the second attempt; grown while the log comes back full. Kernels
    // before 6.4 log every type they check, from the first, and keep only what fits, so for a large
    // blob (a whole vmlinux: ~20 MB of log on Linux 6.1) the offending type, logged last, is lost in
    // 1 MiB. Capped so a rejection never costs unbounded memory.
    private const int FirstLogSize = 1 << 20;
    private const int MaxLogSize = 64 << 20;

    /// <summary>
    /// Loads a raw BTF blob (as <see cref="Nectar.Btf.BtfWriter"/> writes) and returns its BTF file
    /// descriptor. A rejection throws <see cref="BtfLoadException"/> with the kernel's log, which names
    /// the offending type; the first attempt runs without a log, as libbpf does, so success costs nothing extra.
    /// </summary>
    public static BpfFileDescriptor Load(ReadOnlySpan<byte> blob)
    {
        if (blob.IsEmpty)
            throw new ArgumentException("The BTF blob is empty.", nameof(blob));
        fixed (byte* data = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)data, Size = (uint)blob.Length };
            int fd = Bpf.TryCall(BpfCommand.BtfLoad, ref attr, out int errno);
            if (fd >= 0)
                return new BpfFileDescriptor(fd);
            if (errno is Errno.EPERM or Errno.EACCES or Errno.ENOSYS or Errno.EOPNOTSUPP)
                throw Bpf.ToException("Loading BTF", errno);

            for (int size = FirstLogSize; ; size *= 8)
            {
                var log = new byte[size];
                int logErrno;
                fixed (byte* logBuffer = log)
                {
                    attr = new BtfLoadAttr { Btf = (ulong)data, Size = (uint)blob.Length, LogBuffer = (ulong)logBuffer, LogSize = (uint)size, LogLevel = 1 };
                    fd = Bpf.TryCall(BpfCommand.BtfLoad, ref attr, out logErrno);
                    if (fd >= 0)
                        return new BpfFileDescriptor(fd); // accepted the second time: nothing to report
                }
                // Full: the kernel says so (ENOSPC), or (before 6.4, which reports the rejection's
                // own errno even then) it wrote up to the last byte.
                int length = Array.IndexOf(log, (byte)0);
                bool full = logErrno == Errno.ENOSPC || length < 0 || length >= size - 1;
                if (full && size < MaxLogSize)
                    continue;
                if (logErrno != Errno.ENOSPC)
                    errno = logErrno;
                throw new BtfLoadException(errno, Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length));
            }
        }
    }
}

/// <summary>The kernel refused BTF. <see cref="Log"/> is its BTF verifier log.</summary>
public sealed class BtfLoadException : BpfException
{
    public BtfLoadException(int errorNumber, string log)
        : base($"The kernel refused the BTF ({Libc.ErrorText(errorNumber)}, errno {errorNumber}): {Reason(log)}. " +
               $"The full log is in {nameof(BtfLoadException)}.{nameof(Log)}.", errorNumber) => Log = log;

    /// <summary>The kernel's BTF log (log level 1).</summary>
    public string Log { get; }

    // The kernel logs the header, then the offending type and the reason last.
    private static string Reason(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(the kernel wrote no log)" : string.Join(" / ", lines.TakeLast(2));
    }
}
