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
            // Woken (Wake, Dispose) during a pause: deliver what came, and return.
            bool woken = _pause > 0 && timeoutMs != 0 && PauseWhileBusy(sources, timeoutMs);
            if (Volatile.Read(ref _disposed) != 0)
                return 0;
            int delivered = Drained(DrainAll(sources));
            if (delivered > 0 || timeoutMs == 0 || woken)
                return delivered;

            if (SpinBeforeWait > TimeSpan.Zero)
            {
                var spin = timeoutMs < 0 || SpinBeforeWait.TotalMilliseconds < timeoutMs ? SpinBeforeWait : TimeSpan.FromMilliseconds(timeoutMs);
                if (SpinUntilData(sources, spin) && (delivered = Drained(DrainAll(sources))) > 0)
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
            return count == 0 ? 0 : Drained(DrainAll(_sources));
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
    /// The longest pause between two drains of busy ring buffers (default 200 µs; zero: none,
    /// every poll drains at once and sleeps in epoll_wait as soon as the rings are empty, as
    /// libbpf's ring_buffer__poll does). When the last poll delivered more than one record,
    /// the next one first pauses (without spinning; <see cref="Wake"/> and Dispose cut it
    /// short), then drains what arrived meanwhile in one batch. A consumer that drains as
    /// soon as it is woken catches up with the producer after a few records and sleeps again,
    /// so the kernel wakes it over and over: each wake-up costs the producer's CPU an
    /// interrupt and a cross-CPU wake. Pausing turns that into one drain per pause. The pause
    /// adapts to the producer: it shrinks whenever a ring was more than a quarter full after
    /// one (to what would fill an eighth of the ring at the rate just seen), doubles while the
    /// rings stay under a sixteenth full, and starts again from 10 µs after every idle spell,
    /// so a small ring is not overrun by the first pause of a fast burst. An idle poller never
    /// pauses: the first drain that finds at most one record sends it to epoll_wait.
    /// Records wait up to the pause before their handler sees them. Pollers holding a perf
    /// buffer never pause (their per-CPU buffers are small; they wake on their own watermark).
    /// Nor does a poller whose producers would fill a ring within 20 ms at the rate seen since
    /// the last drain (large records, a small ring): a paused thread is off its CPU, and on a busy
    /// machine the scheduler may run it again milliseconds after the pause ends, by which time
    /// such a ring has overflowed. Those rings are drained at once, as libbpf does.
    /// </summary>
    public TimeSpan BusyPause
    {
        get => TimeSpan.FromTicks(_maxPauseNs / 100);
        set
        {
            if (value < TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(value), value, "A pause is zero or more.");
            _maxPauseNs = (long)Math.Min(value.TotalMicroseconds * 1000, int.MaxValue);
            _pause = Math.Min(MinPauseNs, _maxPauseNs);
        }
    }

    private const long DefaultPauseNs = 200_000;
    private const long MinPauseNs = 10_000;
    private long _maxPauseNs = DefaultPauseNs;
    private long _pause = MinPauseNs;
    private bool _busy;
    private long _lastDrain;

    /// <summary>
    /// No pause when the producers would fill a ring within this long (see <see cref="BusyPause"/>).
    /// `nectar bench ringbuf --record-size 512` on a loaded 2-CPU machine: with pauses, twice
    /// libbpf's drops; without, the same as libbpf's.
    /// </summary>
    private const double MinFillTimeNs = 20_000_000;

    /// <summary>Notes whether the drain that delivered <paramref name="delivered"/> records found the rings busy.</summary>
    private int Drained(int delivered)
    {
        _lastDrain = Stopwatch.GetTimestamp();
        _busy = delivered > 1;
        if (!_busy)
        {
            // Idle again: the next burst starts with the shortest pause and doubles it while
            // the rings stay nearly empty, so a burst faster than the last cannot overflow them.
            _pause = Math.Min(MinPauseNs, _maxPauseNs);
        }
        return delivered;
    }

    /// <summary>
    /// After a busy drain, pauses and adapts the next pause to how full the rings got. Returns
    /// whether <see cref="Wake"/> or Dispose cut the pause short.
    /// </summary>
    private bool PauseWhileBusy(Source[] sources, int timeoutMs)
    {
        if (!_busy)
            return false;
        if (Fullest(sources) is var before && (before < 0 || before > 0.25))
            return false; // a perf buffer (no pauses), or a ring that should be drained now
        // What arrived since the last drain says how soon the producers would fill the ring.
        if (before > 0 && Stopwatch.GetElapsedTime(_lastDrain).TotalNanoseconds / before < MinFillTimeNs)
            return false;
        long pause = timeoutMs > 0 ? Math.Min(_pause, timeoutMs * 1_000_000L) : _pause;
        long start = Stopwatch.GetTimestamp();
        bool woken = Libc.WaitReadable(_wake, pause);
        if (woken)
            Libc.DrainEventFd(_wake);
        double paused = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        double after = Fullest(sources);
        if (after > 0.25)
        {
            // Filling fast: the pause that would fill an eighth of the ring at this rate.
            _pause = (long)Math.Clamp(paused * (0.125 / after), Math.Min(MinPauseNs, _maxPauseNs), _maxPauseNs);
        }
        else if (after < 1.0 / 16)
        {
            _pause = Math.Min(_maxPauseNs, _pause * 2);
        }
        return woken;
    }

    /// <summary>The largest fill fraction among the sources; negative when a source cannot tell.</summary>
    private static double Fullest(Source[] sources)
    {
        double fullest = 0;
        foreach (var source in sources)
        {
            double fill = source.FillFraction;
            if (fill < 0)
                return fill;
            fullest = Math.Max(fullest, fill);
        }
        return fullest;
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
        /// <summary>The fraction of the buffer holding unconsumed records; negative when unknown.</summary>
        public abstract double FillFraction { get; }
        public abstract void Release();
    }

    private sealed class RingSource<TSink>(RingBuffer ring, TSink sink) : Source where TSink : struct, IRecordSink
    {
        private TSink _sink = sink;

        public override int Drain() => ring.Consume(ref _sink, int.MaxValue);

        public override bool HasData => ring.PendingBytes != 0;

        public override double FillFraction => (double)ring.PendingBytes / ring.Map.MaxEntries;

        public override void Release() => ring.Dispose();
    }

    private sealed class PerfSource(PerfBuffer perf, PerfSampleHandler onSample, LostSamplesHandler? onLost) : Source
    {
        public override int Drain() => perf.Consume(onSample, onLost);

        public override bool HasData => perf.HasData;

        public override double FillFraction => -1;

        public override void Release() => perf.Dispose();
    }
}
