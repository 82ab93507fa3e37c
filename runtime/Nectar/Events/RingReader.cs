using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>
    /// How far ahead of the record being read the next lines are requested from memory. The
    /// producer's CPU wrote them; asking early overlaps those transfers instead of waiting for
    /// each in turn (measured with `nectar bench ringbuf`: about 10% more events per second).
    /// </summary>
    private const uint PrefetchDistance = 512;

    /// <summary>Publish the consumer position at least this often, so the producer sees freed space soon.</summary>
    private const ulong MaxPublishInterval = 64 * 1024;

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
        // each write is a store to a cache line the producer reads on every reservation. Every
        // 64 KiB (a quarter of smaller rings) keeps the producer from seeing a full ring that is
        // mostly consumed already.
        _publishEvery = Math.Min(dataSize / 4, MaxPublishInterval);
    }

    internal readonly uint DataSize => (uint)(_mask + 1);

    /// <summary>Bytes submitted (or reserved) but not yet consumed.</summary>
    internal readonly ulong PendingBytes => Volatile.Read(ref *_producerPosition) - Volatile.Read(ref *_consumerPosition);

    /// <summary>
    /// Delivers the committed records in order, up to <paramref name="maxRecords"/>, stopping at
    /// the first one still being written (busy). Discarded records are skipped. Returns how many
    /// were delivered. The consumer position is published before returning, even when the sink
    /// throws (the record that threw counts as consumed), followed by a full fence, so that a
    /// caller who then finds no data and sleeps in epoll_wait cannot miss the kernel's wake-up:
    /// the kernel wakes the consumer only when it commits a record at the published position.
    /// </summary>
    internal readonly int Drain<TSink>(ref TSink sink, int maxRecords, string name) where TSink : struct, IRecordSink
    {
        ulong consumer = *_consumerPosition;
        ulong published = consumer;
        int delivered = 0;
        try
        {
            // One snapshot of the producer position per call: chasing the producer record by
            // record keeps the consumer on the cache lines the producer is writing, where every
            // read waits for a line to cross between CPUs; the caller polls again for more.
            ulong producer = Volatile.Read(ref *_producerPosition);
            // Behind by more than half the ring: publish after every record, as libbpf always
            // does. The producer then sees each freed record at once, and reading the position
            // line the consumer keeps writing slows it to the consumer's pace instead of letting
            // it fill the ring and drop.
            ulong publishEvery = producer - consumer > (_mask + 1) / 2 ? 0 : _publishEvery;
            while (consumer < producer && delivered < maxRecords)
            {
                byte* header = _data + (consumer & _mask);
                if (Sse.IsSupported && consumer + PrefetchDistance < producer)
                    Sse.Prefetch0(header + PrefetchDistance);
                uint word = Volatile.Read(ref *(uint*)header);
                if ((word & RingLayout.BusyBit) != 0)
                {
                    // The kernel wakes the consumer when it commits a record at the published
                    // consumer position. Publish this one's position, fence, and look again:
                    // either the producer's commit sees the position (and will wake the
                    // caller's epoll_wait) or this second look sees the commit.
                    Volatile.Write(ref *_consumerPosition, consumer);
                    published = consumer;
                    Interlocked.MemoryBarrier();
                    word = Volatile.Read(ref *(uint*)header);
                    if ((word & RingLayout.BusyBit) != 0)
                        break;
                }
                uint length = RingLayout.PayloadLength(word);
                ulong stride = RingLayout.Stride(length);
                // A record never reaches past the producer, nor is longer than the ring: either
                // would read past the double mapping. The kernel writes neither.
                if (stride > producer - consumer || stride > _mask + 1)
                    throw Corrupt(name, consumer, length, producer);
                consumer += stride;
                if ((word & RingLayout.DiscardBit) == 0)
                {
                    delivered++;
                    sink.Deliver(header + RingLayout.HeaderSize, (int)length);
                }
                if (consumer - published >= publishEvery)
                {
                    Volatile.Write(ref *_consumerPosition, consumer);
                    published = consumer;
                }
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
