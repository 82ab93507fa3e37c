using System.Runtime.CompilerServices;

namespace Nectar.Events;

/// <summary>
/// Where a reader hands each record. Readers are generic over the sink as a struct, so the
/// per-record dispatch is a direct (inlinable) call rather than an interface call.
/// </summary>
internal unsafe interface IRecordSink
{
    void Deliver(byte* data, int length);
}

/// <summary>Hands records on as spans.</summary>
internal readonly unsafe struct SpanSink(RecordHandler handler) : IRecordSink
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Deliver(byte* data, int length) => handler(new ReadOnlySpan<byte>(data, length));
}

/// <summary>Hands records on as references to <typeparamref name="T"/>, after checking the length.</summary>
internal readonly unsafe struct TypedSink<T>(RecordHandler<T> handler, string buffer) : IRecordSink where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Deliver(byte* data, int length)
    {
        // Longer records are accepted: a struct may be followed by a variable-length tail.
        if (length < sizeof(T))
            throw new EventSizeException(buffer, typeof(T), sizeof(T), length);
        handler(in Unsafe.AsRef<T>(data));
    }
}
