using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Nectar.Events;

/// <summary>
/// Consumes records from one CPU's perf event ring: samples go to a handler (in place, or from
/// a scratch copy when a record wraps past the end of the data area), lost-sample records to
/// another. Holds no memory of its own beyond the scratch array, so tests run it over synthetic
/// memory. Single consumer.
/// </summary>
internal unsafe struct PerfReader
{
    private readonly byte* _metadata;
    private readonly byte* _data;
    private readonly ulong _size;
    private readonly byte[] _scratch;

    /// <param name="metadata">The struct perf_event_mmap_page.</param>
    /// <param name="pageSize">Where the data begins when the kernel does not say (data_offset 0, before Linux 4.1).</param>
    /// <param name="dataPages">The number of data pages mapped after the metadata page.</param>
    /// <param name="scratch">At least 65535 bytes (a record's size is a u16): where wrapped records are reassembled.</param>
    internal PerfReader(byte* metadata, int pageSize, int dataPages, byte[] scratch)
    {
        ulong offset = *(ulong*)(metadata + PerfLayout.DataOffsetOffset);
        ulong size = *(ulong*)(metadata + PerfLayout.DataSizeOffset);
        _metadata = metadata;
        _data = metadata + (offset != 0 ? (long)offset : pageSize);
        _size = size != 0 ? size : (ulong)dataPages * (ulong)pageSize;
        _scratch = scratch;
    }

    private readonly ref ulong Head => ref *(ulong*)(_metadata + PerfLayout.DataHeadOffset);
    private readonly ref ulong Tail => ref *(ulong*)(_metadata + PerfLayout.DataTailOffset);

    internal readonly bool HasData => Volatile.Read(ref Head) != Tail;

    /// <summary>
    /// Delivers every record available now; returns how many samples were delivered. Lost-sample
    /// counts are added to <paramref name="lostTotal"/> and reported to <paramref name="onLost"/>.
    /// </summary>
    internal readonly int Drain(int cpu, PerfSampleHandler onSample, LostSamplesHandler? onLost, ref ulong lostTotal, string name)
    {
        ulong tail = Tail;
        ulong head = Volatile.Read(ref Head);
        int samples = 0;
        try
        {
            while (tail < head)
            {
                ulong offset = tail & (_size - 1);
                byte* header = _data + offset;
                uint type = *(uint*)header;
                ushort size = *(ushort*)(header + 6);
                if (size < PerfLayout.HeaderSize || size > head - tail || size > _size)
                    throw Corrupt(name, cpu, tail, size);
                ReadOnlySpan<byte> record = offset + size <= _size
                    ? new ReadOnlySpan<byte>(header, size)
                    : Reassemble(header, offset, size);
                tail += size;
                if (type == PerfLayout.RecordSample && record.Length >= PerfLayout.HeaderSize + 4)
                {
                    uint rawSize = BinaryPrimitives.ReadUInt32LittleEndian(record[PerfLayout.HeaderSize..]);
                    int available = record.Length - PerfLayout.HeaderSize - 4;
                    samples++;
                    onSample(cpu, record.Slice(PerfLayout.HeaderSize + 4, (int)Math.Min(rawSize, (uint)available)));
                }
                else if (type == PerfLayout.RecordLost && record.Length >= PerfLayout.HeaderSize + 16)
                {
                    ulong lost = BinaryPrimitives.ReadUInt64LittleEndian(record[(PerfLayout.HeaderSize + 8)..]);
                    lostTotal += lost;
                    onLost?.Invoke(cpu, lost);
                }
            }
        }
        finally
        {
            // Release: the kernel may overwrite what was read only after it sees the new tail.
            Volatile.Write(ref Tail, tail);
        }
        return samples;
    }

    private readonly ReadOnlySpan<byte> Reassemble(byte* header, ulong offset, ushort size)
    {
        int first = (int)(_size - offset);
        new ReadOnlySpan<byte>(header, first).CopyTo(_scratch);
        new ReadOnlySpan<byte>(_data, size - first).CopyTo(_scratch.AsSpan(first));
        return _scratch.AsSpan(0, size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CorruptBufferException Corrupt(string name, int cpu, ulong tail, ushort size)
        => new($"Perf buffer '{name}' (CPU {cpu}) is corrupt: the record at position {tail} claims {size} bytes. " +
               "Something other than the kernel wrote to the buffer's memory.");
}
