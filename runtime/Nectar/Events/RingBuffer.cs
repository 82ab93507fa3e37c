using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Events;

/// <summary>
/// A BPF ring buffer map (BPF_MAP_TYPE_RINGBUF) mapped into this process: records are read where
/// the kernel wrote them. <see cref="Consume(RecordHandler, int)"/> never blocks; to wait for
/// records, add the map to an <see cref="EventPoller"/>. One consumer thread at a time.
/// </summary>
public sealed unsafe class RingBuffer : IDisposable
{
    private readonly MemoryMapping _consumerPage;
    private readonly MemoryMapping _producerAndData;
    private readonly RingReader _reader;

    private RingBuffer(BpfMap map, MemoryMapping consumerPage, MemoryMapping producerAndData, int pageSize)
    {
        Map = map;
        _consumerPage = consumerPage;
        _producerAndData = producerAndData;
        _reader = new RingReader((ulong*)consumerPage.Address, (ulong*)producerAndData.Address,
            producerAndData.Address + pageSize, map.MaxEntries);
    }

    /// <summary>The ring buffer map; not owned (disposing this leaves the map open).</summary>
    public BpfMap Map { get; }

    public string Name => Map.Name;

    /// <summary>Bytes reserved or submitted by producers and not yet consumed.</summary>
    public ulong PendingBytes => _reader.PendingBytes;

    /// <summary>Maps the consumer page read-write and the producer page and data area read-only.</summary>
    public static RingBuffer Open(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != MapType.RingBuf)
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type} map, not a ring buffer (BPF_MAP_TYPE_RINGBUF).", nameof(map));
        int pageSize = Libc.GetPageSize();
        if (!RingLayout.IsValidDataSize(map.MaxEntries, pageSize))
            throw new ArgumentException($"Ring buffer '{map.Name}' has max_entries {map.MaxEntries}; the kernel requires a power of two that is a multiple of the page size ({pageSize}).", nameof(map));
        var consumer = MemoryMapping.Map(map.Fd, (nuint)pageSize, 0, writable: true, $"ring buffer '{map.Name}' (consumer page)");
        try
        {
            var producer = MemoryMapping.Map(map.Fd, RingLayout.ProducerMappingLength(pageSize, map.MaxEntries), pageSize,
                writable: false, $"ring buffer '{map.Name}' (data pages)");
            return new RingBuffer(map, consumer, producer, pageSize);
        }
        catch
        {
            consumer.Dispose();
            throw;
        }
    }

    /// <summary>Delivers the records available now, in order, as spans. Returns how many.</summary>
    public int Consume(RecordHandler handler, int maxRecords = int.MaxValue)
    {
        var sink = new SpanSink(handler);
        return Consume(ref sink, maxRecords);
    }

    /// <summary>Delivers the records available now, in order, as references to <typeparamref name="T"/>. Returns how many.</summary>
    public int Consume<T>(RecordHandler<T> handler, int maxRecords = int.MaxValue) where T : unmanaged
    {
        var sink = new TypedSink<T>(handler, Name);
        return Consume(ref sink, maxRecords);
    }

    internal int Consume<TSink>(ref TSink sink, int maxRecords) where TSink : struct, IRecordSink
    {
        ObjectDisposedException.ThrowIf(_consumerPage.IsClosed, this);
        return _reader.Drain(ref sink, maxRecords, Name);
    }

    public void Dispose()
    {
        _producerAndData.Dispose();
        _consumerPage.Dispose();
    }
}
