using System.Runtime.InteropServices;

namespace Nectar.Interop;

// epoll(7) and eventfd(2): the poller sleeps until a buffer has data or it is told to stop.
internal static unsafe partial class Libc
{
    private const int CloseOnExec = 0x80000;       // EPOLL_CLOEXEC, EFD_CLOEXEC
    private const int EventFdNonBlocking = 0x800;  // EFD_NONBLOCK
    private const int EpollCtlAdd = 1;
    internal const uint EpollIn = 0x001;

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, byte* epollEvent);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWaitNative(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFdNative(uint initial, int flags);

    /// <summary>
    /// Bytes of one struct epoll_event: { u32 events; u64 data; }, packed to 12 bytes on x86-64
    /// (the kernel's EPOLL_PACKED), naturally aligned to 16 elsewhere.
    /// </summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of the u64 data field in struct epoll_event.</summary>
    internal static int EpollDataOffset => EpollEventSize == 12 ? 4 : 8;

    internal static BpfFileDescriptor CreateEpoll()
    {
        int fd = EpollCreate1(CloseOnExec);
        if (fd < 0)
            throw Bpf.ToException("Creating an epoll instance", Marshal.GetLastPInvokeError());
        return new BpfFileDescriptor(fd);
    }

    /// <summary>Watches <paramref name="fd"/> for input; epoll_wait reports <paramref name="token"/> for it.</summary>
    internal static void EpollAdd(BpfFileDescriptor epoll, BpfFileDescriptor fd, ulong token)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(ulong*)(ev + EpollDataOffset) = token;
        if (EpollCtl(epoll.Value, EpollCtlAdd, fd.Value, ev) < 0)
            throw Bpf.ToException("Adding a descriptor to an epoll instance", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (-1: forever) and returns how many events were
    /// written to <paramref name="events"/>; 0 on timeout or on a signal interrupting the wait.
    /// </summary>
    internal static int EpollWait(BpfFileDescriptor epoll, byte* events, int maxEvents, int timeoutMs)
    {
        int count = EpollWaitNative(epoll.Value, events, maxEvents, timeoutMs);
        if (count >= 0)
            return count;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.EINTR)
            return 0;
        throw Bpf.ToException("Waiting on an epoll instance", errno);
    }

    internal static BpfFileDescriptor CreateEventFd()
    {
        int fd = EventFdNative(0, CloseOnExec | EventFdNonBlocking);
        if (fd < 0)
            throw Bpf.ToException("Creating an eventfd", Marshal.GetLastPInvokeError());
        return new BpfFileDescriptor(fd);
    }

    /// <summary>Makes an eventfd readable, waking whoever waits on it.</summary>
    internal static void SignalEventFd(BpfFileDescriptor eventFd)
    {
        ulong one = 1;
        Write(eventFd.Value, &one, 8); // EAGAIN means the counter is already non-zero: signalled.
    }

    /// <summary>Resets an eventfd's counter to zero.</summary>
    internal static void DrainEventFd(BpfFileDescriptor eventFd)
    {
        ulong value;
        Read(eventFd.Value, &value, 8);
    }
}

// ppoll(2): the poller's short pause between batches, which only its eventfd cuts short.
internal static unsafe partial class Libc
{
    private const short PollIn = 0x001;

    [LibraryImport(Library, EntryPoint = "ppoll", SetLastError = true)]
    private static partial int PPoll(byte* fds, nuint count, long* timespec, void* sigmask);

    /// <summary>
    /// Sleeps up to <paramref name="nanoseconds"/> (nanosecond resolution, unlike epoll_wait's
    /// milliseconds) or until <paramref name="fd"/> is readable. Returns whether it is.
    /// </summary>
    internal static bool WaitReadable(BpfFileDescriptor fd, long nanoseconds)
    {
        byte* pollfd = stackalloc byte[8]; // struct pollfd { int fd; short events; short revents; }
        *(int*)pollfd = fd.Value;
        *(short*)(pollfd + 4) = PollIn;
        *(short*)(pollfd + 6) = 0;
        long* timeout = stackalloc long[2];
        timeout[0] = nanoseconds / 1_000_000_000;
        timeout[1] = nanoseconds % 1_000_000_000;
        int ready = PPoll(pollfd, 1, timeout, null);
        if (ready >= 0)
            return ready > 0;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.EINTR)
            return false;
        throw Bpf.ToException("Pausing on an eventfd", errno);
    }
}
