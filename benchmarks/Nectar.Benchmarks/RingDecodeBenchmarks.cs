using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Nectar.Events;

namespace Nectar.Benchmarks;

/// <summary>
/// The ring buffer reader's per-record cost: draining a ring full of committed records laid out
/// as the kernel lays them out (over memory of this process, no kernel), to spans and to typed
/// references. Figures are per record.
/// </summary>
[MemoryDiagnoser]
public unsafe class RingDecodeBenchmarks
{
    private const uint RingSize = 1 << 23; // three quarters hold 10,000 records of 512 bytes
    private ulong* _consumer;
    private ulong* _producer;
    private byte* _data;
    private RingReader _reader;
    private int _records;
    private long _sum;

    [Params(8, 64, 512)]
    public int RecordSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _consumer = (ulong*)NativeMemory.AllocZeroed(8);
        _producer = (ulong*)NativeMemory.AllocZeroed(8);
        _data = (byte*)NativeMemory.AllocZeroed(2 * (nuint)RingSize);
        _reader = new RingReader(_consumer, _producer, _data, RingSize);
        ulong stride = RingLayout.Stride((uint)RecordSize);
        ulong position = 0;
        // Fill three quarters of the ring (a reader never sees more than the producer wrote).
        while (position + stride <= RingSize * 3 / 4)
        {
            *(uint*)(_data + position) = (uint)RecordSize;
            *(long*)(_data + position + RingLayout.HeaderSize) = _records;
            position += stride;
            _records++;
        }
        // The kernel maps the data area twice in a row; a drain never wraps here, so one copy will do.
        *_producer = position;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_consumer);
        NativeMemory.Free(_producer);
        NativeMemory.Free(_data);
    }

    [Benchmark(OperationsPerInvoke = 10_000)]
    public int DrainToSpans()
    {
        *_consumer = 0;
        var sink = new SpanSink(record => _sum += MemoryMarshal.Read<long>(record));
        return _reader.Drain(ref sink, 10_000, "bench");
    }

    [Benchmark(OperationsPerInvoke = 10_000)]
    public int DrainToTypedReferences()
    {
        *_consumer = 0;
        var sink = new TypedSink<long>((ref readonly long sequence) => _sum += sequence, "bench");
        return _reader.Drain(ref sink, 10_000, "bench");
    }
}
