using System.Runtime.CompilerServices;

namespace Nectar.Events;

/// <summary>
/// Consumes records from a BPF ring buffer's memory: the consumer position (written here), the
/// producer position (written by the kernel) and the double-mapped data area. Holds no memory of
/// its own, so tests run it over synthetic memory laid out as the kernel lays out a ring.
/// Single consumer: one thread at a time.
/// </summary>
internal unsafe struct RingReader
{
    private readonly ulong* _consumerPosition;
    private readonly ulong* _producerPosition;
    private readonly byte* _data;
    private readonly ulong _mask;
    private readonly ulong _publishEvery;

    /// <param name="consumerPosition">The consumer page (read-write).</param>
    /// <param name="producerPosition">The producer page (read-only).</param>
    /// <param name="data">The data area, <paramref name="dataSize"/> bytes mapped twice in a row.</param>
    /// <param name="dataSize">A power of two.</param>
    internal RingReader(ulong* consumerPosition, ulong* producerPosition, byte* data, uint dataSize)
    {
        _consumerPosition = consumerPosition;
        _producerPosition = producerPosition;
        _data = data;
        _mask = dataSize - 1UL;
        // The consumer position is published in batches, not after every record as libbpf does:
        // each write is a store to a shared cache line the producer reads on every submit. A
        // quarter of the ring keeps the producer from seeing a full ring that is mostly consumed.
        _publishEvery = dataSize / 4;
    }

    internal readonly uint DataSize => (uint)(_mask + 1);

    /// <summary>Bytes submitted (or reserved) but not yet consumed.</summary>
    internal readonly ulong PendingBytes => Volatile.Read(ref *_producerPosition) - Volatile.Read(ref *_consumerPosition);

    /// <summary>
    /// Delivers the committed records in order, up to <paramref name="maxRecords"/>, stopping at
    /// the first one still being written (busy). Discarded records are skipped. Returns how many
    /// were delivered. The consumer position is published before returning, even when the sink
    /// throws (the record that threw counts as consumed), followed by a full fence so that a
    /// caller who then finds no data and sleeps cannot miss the kernel's wake-up.
    /// </summary>
    internal readonly int Drain<TSink>(ref TSink sink, int maxRecords, string name) where TSink : struct, IRecordSink
    {
        ulong consumer = *_consumerPosition;
        ulong published = consumer;
        int delivered = 0;
        try
        {
            while (delivered < maxRecords)
            {
                ulong producer = Volatile.Read(ref *_producerPosition);
                if (consumer >= producer)
                    break;
                bool sawBusy = false;
                while (consumer < producer && delivered < maxRecords)
                {
                    byte* header = _data + (consumer & _mask);
                    uint word = Volatile.Read(ref *(uint*)header);
                    if ((word & RingLayout.BusyBit) != 0)
                    {
                        sawBusy = true;
                        break;
                    }
                    uint length = RingLayout.PayloadLength(word);
                    ulong stride = RingLayout.Stride(length);
                    if (stride > producer - consumer)
                        throw Corrupt(name, consumer, length, producer);
                    consumer += stride;
                    if ((word & RingLayout.DiscardBit) == 0)
                    {
                        delivered++;
                        sink.Deliver(header + RingLayout.HeaderSize, (int)length);
                    }
                    if (consumer - published >= _publishEvery)
                    {
                        Volatile.Write(ref *_consumerPosition, consumer);
                        published = consumer;
                    }
                }
                if (sawBusy)
                    break;
            }
        }
        finally
        {
            if (consumer != published)
                Volatile.Write(ref *_consumerPosition, consumer);
            Interlocked.MemoryBarrier();
        }
        return delivered;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CorruptBufferException Corrupt(string name, ulong consumer, uint length, ulong producer)
        => new($"Ring buffer '{name}' is corrupt: the record at position {consumer} claims {length} bytes, " +
               $"past the producer position {producer}. Something other than the kernel wrote to the ring's memory.");
}
