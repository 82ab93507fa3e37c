using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Nectar.Interop;

namespace Nectar.Output;

/// <summary>
/// Lines written to a file descriptor with write(2), each one checked. Events printed to standard
/// output are data: a full disk or a reader that went away must stop the program and be named,
/// not be swallowed as Console and the console logger do (they ignore EPIPE and drop errors).
/// The first failure is kept (<see cref="Failure"/>), cancels <see cref="Failed"/> and makes every
/// later write a no-op that returns false; <see cref="LinesWritten"/> counts only lines the
/// kernel took whole. Writes are unbuffered and serialized, so any thread may write.
/// </summary>
public sealed unsafe partial class LineOutput : IDisposable
{
    private const int Epipe = 32;
    private const short PollOut = 0x004;
    private const short PollErr = 0x008;

    private readonly int _fd;
    private readonly object _lock = new();
    private readonly CancellationTokenSource _failed = new();
    private long _written;
    private long _notWritten;
    private long _bytesWritten;

    /// <summary>Writes to <paramref name="fd"/>, which it does not own; <paramref name="name"/> names it in messages.</summary>
    public LineOutput(int fd, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        _fd = fd;
        Name = name;
    }

    /// <summary>File descriptor 1.</summary>
    public static LineOutput StandardOutput() => new(1, "standard output");

    /// <summary>File descriptor 2.</summary>
    public static LineOutput StandardError() => new(2, "standard error");

    public string Name { get; }

    /// <summary>Lines written whole.</summary>
    public long LinesWritten => Interlocked.Read(ref _written);

    /// <summary>Lines that were not written, or not whole, because the output had failed.</summary>
    public long LinesNotWritten => Interlocked.Read(ref _notWritten);

    /// <summary>The errno of the first failed write; null while every write succeeded.</summary>
    public int? FailureErrno { get; private set; }

    /// <summary>The first failure as a person reads it, e.g. "No space left on device (errno 28)"; null while none.</summary>
    public string? Failure => FailureErrno is { } errno ? $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})" : null;

    /// <summary>
    /// The output's reader went away (EPIPE: a closed pipe or socket, as under <c>| head</c>), as
    /// opposed to the output itself failing (ENOSPC, EIO, ...). Unix tools treat it as a normal end.
    /// </summary>
    public bool ReaderClosed => FailureErrno == Epipe;

    /// <summary>Cancelled at the first failure: link it into the token that stops the program.</summary>
    public CancellationToken Failed => _failed.Token;

    /// <summary>Writes <paramref name="line"/> and a newline; false if the output has failed, now or before.</summary>
    public bool TryWriteLine(ReadOnlySpan<char> line)
    {
        int length = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
        byte[]? rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[1024];
        try
        {
            int count = Encoding.UTF8.GetBytes(line, buffer);
            buffer[count++] = (byte)'\n';
            lock (_lock)
            {
                if (FailureErrno is null && WriteAll(buffer[..count]))
                {
                    _written++;
                    return true;
                }
                _notWritten++;
                return false;
            }
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> as they are (a stream's contents, not a line); false if the
    /// output has failed, now or before. <see cref="BytesWritten"/> counts what the kernel took.
    /// </summary>
    public bool TryWrite(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (FailureErrno is not null || !WriteAll(bytes))
                return false;
            _bytesWritten += bytes.Length;
            return true;
        }
    }

    /// <summary>Bytes written by <see cref="TryWrite"/>.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>
    /// Notices a reader that went away before the next write does: a pipe whose reader closed
    /// polls as POLLERR. A program that prints rarely calls this now and then, so that it does not
    /// stay attached, printing nothing, long after <c>| head -3</c> exited. Returns false once failed.
    /// </summary>
    public bool CheckReader()
    {
        // A write in progress holds the lock, possibly for long (blocked on a reader that does not
        // read): never wait for it, it will see the failure itself. Waiting here would stall the
        // caller, a loop that also reports drops.
        if (!Monitor.TryEnter(_lock))
            return FailureErrno is null;
        try
        {
            if (FailureErrno is not null)
                return false;
            var poll = new PollFd { Fd = _fd, Events = PollOut };
            if (Poll(&poll, 1, 0) == 1 && (poll.Revents & PollErr) != 0)
            {
                Fail(Epipe);
                return false;
            }
            return true;
        }
        finally
        {
            Monitor.Exit(_lock);
        }
    }

    private bool WriteAll(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = Write(_fd, start + done, (nuint)(bytes.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                    continue;
                if (errno == Errno.EAGAIN)
                {
                    // A non-blocking descriptor inherited from the shell: wait until it takes more.
                    var poll = new PollFd { Fd = _fd, Events = PollOut };
                    Poll(&poll, 1, -1);
                    continue;
                }
                Fail(errno);
                return false;
            }
            return true;
        }
    }

    private void Fail(int errno)
    {
        FailureErrno = errno;
        // Callbacks run on the thread pool, not here: this thread may hold the lock inside a poll.
        _ = _failed.CancelAsync();
    }

    public void Dispose() => _failed.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);
}
