using System.Collections;

namespace Nectar.Logging;

/// <summary>
/// The state a BPF log record is logged with: the rendered message, the time the BPF program
/// logged it (not the time it was read), and the record's fields for structured loggers.
/// </summary>
public sealed class BpfLogEntry(BpfLogRecord record, DateTimeOffset timestamp) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public BpfLogRecord Record { get; } = record;

    /// <summary>When the BPF program logged the record (UTC).</summary>
    public DateTimeOffset Timestamp { get; } = timestamp;

    public string Message { get; } = record.Message;

    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Timestamp", Timestamp),
        1 => new("Pid", Record.Pid),
        2 => new("Tgid", Record.Tgid),
        3 => new("{OriginalFormat}", Record.Format),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
