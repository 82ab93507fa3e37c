namespace Nectar.Events;

/// <summary>
/// A record was shorter than the struct a typed handler reads it as: the C struct the BPF program
/// submits and the C# struct do not match.
/// </summary>
public sealed class EventSizeException : NectarException
{
    public EventSizeException(string buffer, Type type, int structSize, int recordLength)
        : base($"Buffer '{buffer}' delivered a {recordLength}-byte record, but the handler reads it as {type.Name} " +
               $"({structSize} bytes). Declare {type.Name} to match the C struct the BPF program submits " +
               "(or generate it from the object's BTF), or take the record as ReadOnlySpan<byte>.")
    {
        Buffer = buffer;
        StructSize = structSize;
        RecordLength = recordLength;
    }

    public string Buffer { get; }
    public int StructSize { get; }
    public int RecordLength { get; }
}

/// <summary>A buffer's memory holds something no well-behaved producer writes (a record longer than the buffer).</summary>
public sealed class CorruptBufferException : NectarException
{
    public CorruptBufferException(string message) : base(message) { }
}
