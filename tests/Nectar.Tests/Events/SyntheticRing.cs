using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Nectar.Events;

namespace Nectar.Tests.Events;

/// <summary>
/// Memory laid out as the kernel lays out a BPF ring buffer, written the way a producer writes
/// it: the data area exists twice in a row, and every byte written lands in both copies, as the
/// kernel's double mapping of the same pages makes it.
/// </summary>
internal sealed unsafe class SyntheticRing : IDisposable
{
    private readonly ulong* _consumer;
    private readonly ulong* _producer;
    private readonly byte* _data;

    public SyntheticRing(uint size)
    {
        Size = size;
        _consumer = (ulong*)NativeMemory.AllocZeroed(8);
        _producer = (ulong*)NativeMemory.AllocZeroed(8);
        _data = (byte*)NativeMemory.AllocZeroed(2 * (nuint)size);
        Reader = new RingReader(_consumer, _producer, _data, size);
    }

    public uint Size { get; }
    public RingReader Reader { get; }
    public ulong ConsumerPosition { get => *_consumer; set => *_consumer = value; }
    public ulong ProducerPosition { get => *_producer; set => *_producer = value; }

    /// <summary>Reserves and writes a record; returns its position. Busy records stay reserved.</summary>
    public ulong Submit(ReadOnlySpan<byte> payload, bool discard = false, bool busy = false)
    {
        ulong position = *_producer;
        uint header = (uint)payload.Length | (discard ? RingLayout.DiscardBit : 0) | (busy ? RingLayout.BusyBit : 0);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, header);
        Write(position, bytes);
        Write(position + 8, payload);
        *_producer = position + RingLayout.Stride((uint)payload.Length);
        return position;
    }

    /// <summary>Commits a record reserved busy, as bpf_ringbuf_submit clears the busy bit.</summary>
    public void Commit(ulong position, int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)length);
        Write(position, bytes);
    }

    /// <summary>Writes bytes at a logical ring position, into both copies of the data area.</summary>
    public void Write(ulong position, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            ulong offset = (position + (ulong)i) & (Size - 1);
            _data[offset] = bytes[i];
            _data[offset + Size] = bytes[i];
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_consumer);
        NativeMemory.Free(_producer);
        NativeMemory.Free(_data);
    }
}
