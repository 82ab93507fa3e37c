namespace Nectar.Events;

/// <summary>
/// The memory layout of a BPF ring buffer (kernel/bpf/ringbuf.c), as user space maps it:
/// page 0 holds the consumer position (user space writes it), page 1 the producer position
/// (the kernel writes it), and from page 2 the data area, mapped twice in a row so that a record
/// that wraps past the end is still contiguous in memory. Each record starts with an 8-byte
/// header whose first word is its length plus two flag bits; records are 8-byte aligned.
/// </summary>
internal static class RingLayout
{
    /// <summary>The producer has reserved the record but not yet submitted or discarded it.</summary>
    internal const uint BusyBit = 1u << 31;

    /// <summary>The producer discarded the record: skip it.</summary>
    internal const uint DiscardBit = 1u << 30;

    internal const int HeaderSize = 8;

    /// <summary>The payload length carried in a record header's first word.</summary>
    internal static uint PayloadLength(uint header) => header & ~(BusyBit | DiscardBit);

    /// <summary>How far the consumer position moves past a record of <paramref name="payloadLength"/> bytes.</summary>
    internal static ulong Stride(uint payloadLength) => ((ulong)payloadLength + HeaderSize + 7) & ~7UL;

    /// <summary>
    /// Bytes to map read-only for the producer page and the double-mapped data area of a ring of
    /// <paramref name="dataSize"/> bytes.
    /// </summary>
    internal static nuint ProducerMappingLength(int pageSize, uint dataSize) => (nuint)pageSize + 2 * (nuint)dataSize;

    /// <summary>The kernel requires a power-of-two data size that is a multiple of the page size.</summary>
    internal static bool IsValidDataSize(uint dataSize, int pageSize)
        => dataSize != 0 && (dataSize & (dataSize - 1)) == 0 && dataSize % (uint)pageSize == 0;
}
