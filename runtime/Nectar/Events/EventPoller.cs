using System.Diagnostics;
using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Events;

/// <summary>
/// Waits on any number of ring buffers and perf buffers at once (one epoll instance) and hands
/// their records to the handlers given when they were added, in place. <see cref="Poll"/> blocks
/// up to a timeout; <see cref="RunAsync"/> polls on a dedicated thread until cancelled. Dispose
/// may be called from any thread, also while a poll is blocked: the poll returns promptly and
/// the buffers are unmapped once it has.
/// </summary>
public sealed unsafe class EventPoller : IDisposable
{
    /// <summary>epoll token of the eventfd that wakes a blocked poll; sources use their index + 1.</summary>
    private const ulong WakeToken = 0;
    private const int MaxReadyPerWait = 16;

    private readonly BpfFileDescriptor _epoll;
    private readonly BpfFileDescriptor _wake;
    private Source[] _sources = [];
    private int _polling;
    private int _pollingThread;
    private int _disposed;
    private bool _releaseWhenPollReturns;

    public EventPoller()
    {
        _epoll = Libc.CreateEpoll();
        try
        {
            _wake = Libc.CreateEventFd();
            Libc.EpollAdd(_epoll, _wake, WakeToken);
        }
        catch
        {
            _wake?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    /// <summary>Adds a ring buffer map whose records go to <paramref name="handler"/> as spans.</summary>
    public RingBuffer Add(BpfMap ringBuffer, RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var ring = RingBuffer.Open(ringBuffer);
        AddSource(new RingSource<SpanSink>(ring, new SpanSink(handler)), [ringBuffer.Fd]);
        return ring;
    }

    /// <summary>Adds a ring buffer map whose records go to <paramref name="handler"/> as references to <typeparamref name="T"/>.</summary>
    public RingBuffer Add<T>(BpfMap ringBuffer, RecordHandler<T> handler) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(handler);
        var ring = RingBuffer.Open(ringBuffer);
        AddSource(new RingSource<TypedSink<T>>(ring, new TypedSink<T>(handler, ring.Name)), [ringBuffer.Fd]);
        return ring;
    }

    /// <summary>
    /// Adds a perf event array map: opens and maps a ring per online CPU (see
    /// <see cref="PerfBuffer.Open"/>); samples go to <paramref name="onSample"/>, lost-sample
    /// counts to <paramref name="onLost"/> and <see cref="PerfBuffer.LostSamples"/>.
    /// </summary>
    public PerfBuffer Add(BpfMap perfEventArray, PerfSampleHandler onSample, LostSamplesHandler? onLost = null, int pagesPerCpu = 8)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        var perf = PerfBuffer.Open(perfEventArray, pagesPerCpu);
        AddSource(new PerfSource(perf, onSample, onLost), perf.Descriptors);
        return perf;
    }

    private void AddSource(Source source, IEnumerable<BpfFileDescriptor> descriptors)
    {
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            lock (_epoll)
            {
                ulong token = (ulong)_sources.Length + 1;
                foreach (var fd in descriptors)
                    Libc.EpollAdd(_epoll, fd, token);
                // Copy on write: a poll running on another thread keeps iterating the old array.
                _sources = [.. _sources, source];
            }
        }
        catch
        {
            source.Release();
            throw;
        }
    }

    /// <summary>
    /// Delivers the records available now; if there are none, waits up to
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until records arrive,
    /// <see cref="Wake"/> or Dispose) and delivers what arrived. Returns the number of records
    /// delivered: 0 after a timeout, a wake or a Dispose. Handler exceptions propagate; the
    /// records before them stay consumed.
    /// </summary>
    public int Poll(TimeSpan timeout)
    {
        int timeoutMs = ToMilliseconds(timeout);
        if (Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
            throw new InvalidOperationException("Another thread is already polling this EventPoller; a poller has one consumer thread.");
        _pollingThread = Environment.CurrentManagedThreadId;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var sources = _sources;
            int delivered = DrainAll(sources);
            if (delivered > 0 || timeoutMs == 0)
                return delivered;

            if (SpinBeforeWait > TimeSpan.Zero)
            {
                var spin = timeoutMs < 0 || SpinBeforeWait.TotalMilliseconds < timeoutMs ? SpinBeforeWait : TimeSpan.FromMilliseconds(timeoutMs);
                if (SpinUntilData(sources, spin) && (delivered = DrainAll(sources)) > 0)
                    return delivered;
                if (timeoutMs > 0)
                    timeoutMs = Math.Max(0, timeoutMs - (int)spin.TotalMilliseconds);
            }

            byte* ready = stackalloc byte[MaxReadyPerWait * Libc.EpollEventSize];
            int count = Libc.EpollWait(_epoll, ready, MaxReadyPerWait, timeoutMs);
            if (Volatile.Read(ref _disposed) != 0)
                return 0;
            for (int i = 0; i < count; i++)
            {
                if (*(ulong*)(ready + i * Libc.EpollEventSize + Libc.EpollDataOffset) == WakeToken)
                    Libc.DrainEventFd(_wake);
            }
            return count == 0 ? 0 : DrainAll(_sources);
        }
        finally
        {
            _pollingThread = 0;
            Volatile.Write(ref _polling, 0);
            if (_releaseWhenPollReturns)
                Release();
        }
    }

    /// <summary>
    /// How long <see cref="Poll"/> watches the buffers, spinning, before it sleeps in epoll_wait
    /// (default zero: sleep at once). Sleeping costs a wake-up per burst of records, and on a
    /// virtual machine an idle vCPU may take milliseconds to wake, long enough for a fast producer
    /// to fill the ring; spinning trades a busy CPU for not losing those records.
    /// </summary>
    public TimeSpan SpinBeforeWait { get; set; }

    private static bool SpinUntilData(Source[] sources, TimeSpan spin)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(spin.TotalSeconds * Stopwatch.Frequency);
        do
        {
            foreach (var source in sources)
            {
                if (source.HasData)
                    return true;
            }
            Thread.SpinWait(20);
        }
        while (Stopwatch.GetTimestamp() < deadline);
        return false;
    }

    /// <summary>
    /// Polls on a dedicated thread until <paramref name="cancellationToken"/> is cancelled (the
    /// task is then cancelled) or the poller is disposed (the task then completes). A handler's
    /// exception faults the task.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken = default)
        => Task.Factory.StartNew(() =>
        {
            using var registration = cancellationToken.Register(static poller => ((EventPoller)poller!).Wake(), this);
            while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    Poll(Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
                {
                    // Disposed between the check above and Poll's own: the documented end, not a fault.
                    break;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Makes a blocked <see cref="Poll"/> return now (or the next one return at once).</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            Libc.SignalEventFd(_wake);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: there is no poll left to wake.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Libc.SignalEventFd(_wake);
        if (Volatile.Read(ref _polling) != 0 && _pollingThread == Environment.CurrentManagedThreadId)
        {
            // Disposed by a handler, inside the poll: its caller still reads the mapped buffers.
            _releaseWhenPollReturns = true;
            return;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref _polling) != 0)
            spin.SpinOnce(sleep1Threshold: 20);
        Release();
    }

    private void Release()
    {
        _releaseWhenPollReturns = false;
        foreach (var source in _sources)
            source.Release();
        _sources = [];
        _wake.Dispose();
        _epoll.Dispose();
    }

    private static int DrainAll(Source[] sources)
    {
        int delivered = 0;
        foreach (var source in sources)
            delivered += source.Drain();
        return delivered;
    }

    private static int ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return -1;
        if (timeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A poll timeout is zero or more, or Timeout.InfiniteTimeSpan.");
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }

    /// <summary>A buffer and the handler its records go to.</summary>
    private abstract class Source
    {
        public abstract int Drain();
        public abstract bool HasData { get; }
        public abstract void Release();
    }

    private sealed class RingSource<TSink>(RingBuffer ring, TSink sink) : Source where TSink : struct, IRecordSink
    {
        private TSink _sink = sink;

        public override int Drain() => ring.Consume(ref _sink, int.MaxValue);

        public override bool HasData => ring.PendingBytes != 0;

        public override void Release() => ring.Dispose();
    }

    private sealed class PerfSource(PerfBuffer perf, PerfSampleHandler onSample, LostSamplesHandler? onLost) : Source
    {
        public override int Drain() => perf.Consume(onSample, onLost);

        public override bool HasData => perf.HasData;

        public override void Release() => perf.Dispose();
    }
}
