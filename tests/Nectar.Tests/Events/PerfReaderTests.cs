using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Nectar.Events;

namespace Nectar.Tests.Events;

public unsafe class PerfReaderTests : IDisposable
{
    private const int PageSize = 4096;
    private const int DataSize = 2 * PageSize;
    private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed(PageSize + DataSize);
    private ulong _head;

    public PerfReaderTests()
    {
        *(ulong*)(_memory + PerfLayout.DataOffsetOffset) = PageSize;
        *(ulong*)(_memory + PerfLayout.DataSizeOffset) = DataSize;
    }

    public void Dispose() => NativeMemory.Free(_memory);

    private ulong Tail
    {
        get => *(ulong*)(_memory + PerfLayout.DataTailOffset);
        set => *(ulong*)(_memory + PerfLayout.DataTailOffset) = value;
    }

    /// <summary>Appends a record the way the kernel does, wrapping at the end of the data pages.</summary>
    private void Append(uint type, ReadOnlySpan<byte> body)
    {
        var record = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, type);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), (ushort)record.Length);
        body.CopyTo(record.AsSpan(8));
        for (int i = 0; i < record.Length; i++)
            _memory[PageSize + (int)((_head + (ulong)i) % DataSize)] = record[i];
        _head += (ulong)record.Length;
        *(ulong*)(_memory + PerfLayout.DataHeadOffset) = _head;
    }

    /// <summary>A PERF_SAMPLE_RAW body: u32 size, then the data padded so the record stays 8-byte aligned.</summary>
    private void AppendSample(byte[] data)
    {
        int padded = (data.Length + 4 + 7) / 8 * 8 - 4;
        var body = new byte[4 + padded];
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)padded);
        data.CopyTo(body, 4);
        Append(PerfLayout.RecordSample, body);
    }

    private void AppendLost(ulong lost)
    {
        var body = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), lost);
        Append(PerfLayout.RecordLost, body);
    }

    private (List<byte[]> Samples, List<ulong> Lost, ulong LostTotal) Drain()
    {
        var reader = new PerfReader(_memory, PageSize, dataPages: 2, new byte[ushort.MaxValue]);
        var samples = new List<byte[]>();
        var lost = new List<ulong>();
        ulong total = 0;
        int count = reader.Drain(3, (cpu, s) => { Assert.Equal(3, cpu); samples.Add(s.ToArray()); }, (cpu, n) => lost.Add(n), ref total, "test");
        Assert.Equal(samples.Count, count);
        return (samples, lost, total);
    }

    [Fact]
    public void Samples_and_lost_records_are_told_apart_and_the_tail_follows_the_head()
    {
        AppendSample([1, 2, 3, 4]);
        AppendLost(17);
        AppendSample([5, 6, 7, 8, 9, 10, 11, 12]);

        var (samples, lost, total) = Drain();

        // The kernel pads raw data so the record stays 8-byte aligned; the padding is part of the sample.
        Assert.Equal([[1, 2, 3, 4], [5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]], samples);
        Assert.Equal([17UL], lost);
        Assert.Equal(17UL, total);
        Assert.Equal(_head, Tail);
    }

    [Fact]
    public void A_sample_that_wraps_past_the_end_of_the_data_pages_is_reassembled()
    {
        _head = DataSize - 16;
        Tail = _head;
        var data = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        AppendSample(data);

        var (samples, _, _) = Drain();

        Assert.Equal(data, samples.Single());
        Assert.Equal(_head, Tail);
    }

    [Fact]
    public void A_zero_size_record_is_reported_as_corruption_instead_of_looping_forever()
    {
        _head = 8;
        *(ulong*)(_memory + PerfLayout.DataHeadOffset) = _head;
        var error = Assert.Throws<CorruptBufferException>(() => Drain());
        Assert.Contains("claims 0 bytes", error.Message);
    }

    [Fact]
    public void Random_buffer_contents_are_delivered_or_reported_corrupt_and_never_read_out_of_bounds()
    {
        var random = new Random(5);
        var garbage = new byte[DataSize];
        for (int i = 0; i < 5_000; i++)
        {
            random.NextBytes(garbage);
            garbage.CopyTo(new Span<byte>(_memory + PageSize, DataSize));
            Tail = (ulong)random.Next(0, 1 << 20);
            *(ulong*)(_memory + PerfLayout.DataHeadOffset) = Tail + (ulong)random.Next(0, 3 * DataSize);
            try
            {
                Drain();
            }
            catch (CorruptBufferException)
            {
            }
            Assert.InRange(Tail, 0UL, *(ulong*)(_memory + PerfLayout.DataHeadOffset));
        }
    }
}
