using System.Collections;
using System.Text;
using Microsoft.Extensions.Logging;
using Nectar.Btf;
using Nectar.Events;
using Nectar.Programs;

namespace Nectar.OpenTelemetry;

/// <summary>
/// Logs each record of a ring buffer through <see cref="ILogger"/> as a structured entry: the
/// record's fields (named by the object's BTF) are the entry's attributes, which OpenTelemetry's
/// logging provider (<c>logging.AddOpenTelemetry(...)</c>) exports as a log record's attributes.
/// The category is the BPF program's name. The record type is the struct that
/// <c>NECTAR_RING_RECORD(map, struct x)</c> declares in the C, or <c>recordType</c>.
/// (nectar_log records need nothing of this: <see cref="Nectar.Logging.BpfLogReader"/> already logs
/// them as structured entries, category the BPF function.)
/// </summary>
public sealed class BpfEventLog : IDisposable
{
    private readonly ILogger _logger;
    private readonly BtfFields _fields;
    private readonly LogLevel _level;
    private readonly string _template;
    private RingBuffer? _ring;
    private long _logged;
    private long _short;

    private BpfEventLog(ILogger logger, BtfFields fields, LogLevel level)
    {
        _logger = logger;
        _fields = fields;
        _level = level;
        var template = new StringBuilder(fields.TypeName).Append(':');
        foreach (string name in fields.Names)
            template.Append(' ').Append(name).Append("={").Append(name).Append('}');
        _template = template.ToString();
    }

    /// <summary>Records logged so far.</summary>
    public long RecordsLogged => Interlocked.Read(ref _logged);

    /// <summary>Records shorter than their struct, skipped (the C and the BTF disagree).</summary>
    public long ShortRecords => Interlocked.Read(ref _short);

    /// <summary>
    /// Adds ring buffer <paramref name="ringBuffer"/> of <paramref name="obj"/> to <paramref name="poller"/>;
    /// each record it delivers is logged at <paramref name="level"/> in category <paramref name="category"/>
    /// (default: the object's program, when it has one, else the object's name).
    /// </summary>
    public static BpfEventLog Attach(EventPoller poller, BpfObject obj, string ringBuffer, ILoggerFactory loggerFactory,
        string? category = null, LogLevel level = LogLevel.Information, string? recordType = null)
    {
        ArgumentNullException.ThrowIfNull(poller);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(ringBuffer);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var map = obj.Maps[ringBuffer];
        var btf = obj.Spec.Btf ?? throw new ArgumentException($"BPF object '{obj.Name}' has no BTF, so its records have no field names: compile it with clang -g.", nameof(obj));
        var fields = (recordType is null ? DeclaredRecord(obj.Spec, btf, ringBuffer) : BtfFields.ForStruct(btf, recordType))
            ?? throw new ArgumentException(recordType is null
                ? $"Ring buffer '{ringBuffer}' of '{obj.Name}' declares no record type: write NECTAR_RING_RECORD({ringBuffer}, struct x); after the map (nectar_ring.h) or give recordType."
                : $"The BTF of '{obj.Name}' has no struct '{recordType}'.", recordType is null ? nameof(ringBuffer) : nameof(recordType));
        category ??= obj.Programs.Count == 1 ? obj.Programs.Keys.Single() : obj.Name;
        // Made before the ring is added: a poller already running may deliver a record at once.
        var log = new BpfEventLog(loggerFactory.CreateLogger(category), fields, level);
        log._ring = poller.Add(map, log.Handle);
        return log;
    }

    private static BtfFields? DeclaredRecord(BpfObjectSpec spec, Btf.Btf btf, string ring) =>
        spec.RingRecordTypeId(ring) is uint typeId
        && btf.SkipModifiersAndTypedefs(typeId) is { Kind: BtfKind.Struct } record
            ? BtfFields.For(btf, record.Id)
            : null;

    private void Handle(ReadOnlySpan<byte> data)
    {
        if (data.Length < _fields.Size)
        {
            Interlocked.Increment(ref _short);
            return;
        }
        Interlocked.Increment(ref _logged);
        if (!_logger.IsEnabled(_level))
            return;
        var values = new object[_fields.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = _fields.ValueAt(i, data);
        _logger.Log(_level, default, new Entry(_fields, _template, values), null, static (entry, _) => entry.ToString());
    }

    /// <summary>Stops delivering records (the poller no longer reads the ring).</summary>
    public void Dispose() => _ring?.Dispose();

    /// <summary>One record's fields as a logger's structured state, with the template as {OriginalFormat}.</summary>
    private sealed class Entry(BtfFields fields, string template, object[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => values.Length + 1;

        public KeyValuePair<string, object?> this[int index] => index < values.Length
            ? new(fields.NameAt(index), values[index])
            : index == values.Length ? new("{OriginalFormat}", template) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
                yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = new StringBuilder(fields.TypeName).Append(':');
            for (int i = 0; i < values.Length; i++)
                text.Append(' ').Append(fields.NameAt(i)).Append('=').Append(values[i] is long[] items ? "[" + string.Join(", ", items) + "]" : values[i]);
            return text.ToString();
        }
    }
}
