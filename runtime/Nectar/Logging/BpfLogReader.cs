using Microsoft.Extensions.Logging;
using Nectar.Events;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Logging;

/// <summary>
/// Reads the records a BPF object writes with nectar_log_*() (bpf/include/nectar_log.h) and logs
/// them through Microsoft.Extensions.Logging: one logger per BPF function (the category), the
/// record's level, its time, and its message rendered printf style. Records the BPF side could
/// not write because the ring was full are counted there (nectar_log_lost) and reported here as
/// a warning, at most once a second; malformed records are reported, never thrown.
/// <code>
/// BpfLog.SetMinimumLevel(spec, LogLevel.Information);   // before load
/// using var obj = spec.Load();
/// using var poller = new EventPoller();
/// using var log = BpfLogReader.Attach(poller, obj, loggerFactory);
/// </code>
/// </summary>
public sealed class BpfLogReader : IDisposable
{
    private const int MaxCachedCategories = 1024;

    private readonly ILoggerFactory _factory;
    private readonly ILogger _self;
    private readonly BpfVariable _lostCounter;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly long _bootToRealtimeNs = Libc.BootToRealtimeOffsetNs();
    private readonly Timer _lossCheck;
    private readonly object _lossLock = new();
    private ulong _lostReported;
    private long _logged;
    private long _malformed;

    private BpfLogReader(BpfObject obj, ILoggerFactory factory)
    {
        _factory = factory;
        _self = factory.CreateLogger(obj.Name);
        _lostCounter = obj.Variables[BpfLog.LostVariable];
        ObjectName = obj.Name;
        _lossCheck = new Timer(static reader => ((BpfLogReader)reader!).ReportLost(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string ObjectName { get; }

    /// <summary>Records logged so far.</summary>
    public long RecordsLogged => Interlocked.Read(ref _logged);

    /// <summary>Records that could not be decoded (reported as errors).</summary>
    public long MalformedRecords => Interlocked.Read(ref _malformed);

    /// <summary>
    /// Adds the object's log ring buffer to <paramref name="poller"/>; records are logged as the
    /// poller delivers them.
    /// </summary>
    public static BpfLogReader Attach(EventPoller poller, BpfObject obj, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(poller);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!obj.Maps.ContainsKey(BpfLog.RingMap))
            throw new ArgumentException($"BPF object '{obj.Name}' has no '{BpfLog.RingMap}' ring buffer: include nectar_log.h in its source and log with nectar_log_info(ctx, ...) and friends.", nameof(obj));
        var reader = new BpfLogReader(obj, loggerFactory);
        try
        {
            poller.Add(obj.Maps[BpfLog.RingMap], reader.Handle);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        return reader;
    }

    /// <summary>
    /// The number of records lost so far (read from the BPF side); when it grew since the last
    /// report, logs a warning saying how many and what to do.
    /// </summary>
    public ulong ReportLost()
    {
        lock (_lossLock)
        {
            ulong lost;
            try
            {
                lost = _lostCounter.Get<ulong>();
            }
            catch (ObjectDisposedException)
            {
                return _lostReported; // the object was disposed before this reader
            }
            if (lost > _lostReported)
            {
                _self.LogWarning("{Lost} log record(s) from BPF object '{Object}' were lost ({Total} in all): its ring buffer '{Ring}' was full. " +
                                 "Poll more often, raise the minimum level, or #define NECTAR_LOG_RING_SIZE larger before including nectar_log.h.",
                    lost - _lostReported, ObjectName, lost, BpfLog.RingMap);
                _lostReported = lost;
            }
            return lost;
        }
    }

    private void Handle(ReadOnlySpan<byte> data)
    {
        if (!BpfLogRecord.TryDecode(data, out var record, out string? error))
        {
            Interlocked.Increment(ref _malformed);
            _self.LogError("A log record from BPF object '{Object}' was malformed and skipped: {Problem}. Were the object and nectar_log.h built together?", ObjectName, error);
            return;
        }
        Log(record!);
    }

    internal void Log(BpfLogRecord record)
    {
        if (!_loggers.TryGetValue(record.Category, out var logger))
        {
            logger = _factory.CreateLogger(record.Category);
            // Categories are BPF function names, a handful per object; the cap keeps a
            // misbehaving producer from growing the cache without bound.
            if (_loggers.Count < MaxCachedCategories)
                _loggers[record.Category] = logger;
        }
        Interlocked.Increment(ref _logged);
        if (!logger.IsEnabled(record.Level))
            return;
        var timestamp = DateTimeOffset.UnixEpoch.AddTicks(((long)record.BootTimeNs + _bootToRealtimeNs) / 100);
        logger.Log(record.Level, default, new BpfLogEntry(record, timestamp), null, static (entry, _) => entry.Message);
    }

    /// <summary>Stops the once-a-second loss check and reports any loss not yet reported.</summary>
    public void Dispose()
    {
        _lossCheck.Dispose();
        ReportLost();
    }
}
