using System.Runtime.InteropServices;
using Nectar.Events;

namespace Nectar.Tests.Events;

public class RingReaderTests
{
    private struct Collect(List<byte[]> records) : IRecordSink
    {
        public unsafe void Deliver(byte* data, int length) => records.Add(new ReadOnlySpan<byte>(data, length).ToArray());
    }

    private static List<byte[]> Drain(SyntheticRing ring, int max = int.MaxValue)
    {
        var records = new List<byte[]>();
        var sink = new Collect(records);
        int count = ring.Reader.Drain(ref sink, max, "test");
        Assert.Equal(records.Count, count);
        return records;
    }

    private static byte[] Bytes(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + i)).ToArray();

    [Fact]
    public void Records_arrive_in_order_with_their_exact_lengths_and_the_consumer_catches_up()
    {
        using var ring = new SyntheticRing(4096);
        ring.Submit(Bytes(1, 10));
        ring.Submit(Bytes(13, 20));
        ring.Submit(Bytes(64, 30));

        var records = Drain(ring);

        Assert.Equal([Bytes(1, 10), Bytes(13, 20), Bytes(64, 30)], records);
        // 1 -> 16, 13 -> 24, 64 -> 72: 8-byte header, payload rounded up to 8.
        Assert.Equal(16UL + 24 + 72, ring.ConsumerPosition);
        Assert.Equal(ring.ProducerPosition, ring.ConsumerPosition);
        Assert.Empty(Drain(ring));
    }

    [Fact]
    public void Discarded_records_are_skipped_but_consumed()
    {
        using var ring = new SyntheticRing(4096);
        ring.Submit(Bytes(8, 1));
        ring.Submit(Bytes(8, 2), discard: true);
        ring.Submit(Bytes(8, 3));

        Assert.Equal([Bytes(8, 1), Bytes(8, 3)], Drain(ring));
        Assert.Equal(ring.ProducerPosition, ring.ConsumerPosition);
    }

    [Fact]
    public void A_busy_record_stops_the_consumer_until_it_is_committed()
    {
        using var ring = new SyntheticRing(4096);
        ring.Submit(Bytes(8, 1));
        ulong busy = ring.Submit(Bytes(16, 2), busy: true);
        ring.Submit(Bytes(8, 3));

        Assert.Equal([Bytes(8, 1)], Drain(ring));
        Assert.Equal(busy, ring.ConsumerPosition);

        ring.Commit(busy, 16);
        Assert.Equal([Bytes(16, 2), Bytes(8, 3)], Drain(ring));
        Assert.Equal(ring.ProducerPosition, ring.ConsumerPosition);
    }

    [Fact]
    public void A_record_that_wraps_past_the_end_is_read_whole_through_the_second_mapping()
    {
        using var ring = new SyntheticRing(4096);
        // Start near the end: the payload runs 40 bytes past the end of the data area.
        ring.ConsumerPosition = ring.ProducerPosition = 4096 - 24;
        var payload = Bytes(56, 7);
        ring.Submit(payload);
        ring.Submit(Bytes(4, 99));

        Assert.Equal([payload, Bytes(4, 99)], Drain(ring));
        Assert.Equal(4096UL - 24 + 64 + 16, ring.ConsumerPosition);
    }

    [Fact]
    public void Positions_keep_growing_over_many_laps_and_every_record_arrives()
    {
        using var ring = new SyntheticRing(4096);
        int received = 0;
        for (int lap = 0; lap < 50; lap++)
        {
            for (int i = 0; i < 40; i++)
                ring.Submit(BitConverter.GetBytes(lap * 40 + i));
            foreach (var record in Drain(ring))
                Assert.Equal(received++, BitConverter.ToInt32(record));
        }
        Assert.Equal(2000, received);
        Assert.Equal(2000 * 16UL, ring.ConsumerPosition); // nearly eight laps of the 4096-byte ring
    }

    [Fact]
    public void At_most_the_requested_number_of_records_is_delivered_and_the_rest_waits()
    {
        using var ring = new SyntheticRing(4096);
        for (byte i = 0; i < 5; i++)
            ring.Submit([i]);

        Assert.Equal([[0], [1]], Drain(ring, max: 2));
        Assert.Equal(32UL, ring.ConsumerPosition);
        Assert.Equal([[2], [3], [4]], Drain(ring));
    }

    [Fact]
    public void The_consumer_position_is_published_in_batches_not_per_record()
    {
        using var ring = new SyntheticRing(4096);
        for (int i = 0; i < 100; i++)
            ring.Submit(Bytes(8, 0)); // 16 bytes each: 1600 bytes, a quarter of the ring is 1024
        var seen = new List<ulong>();
        var sink = new Watch(ring, seen);
        ring.Reader.Drain(ref sink, int.MaxValue, "test");

        // While delivering, the published position moved once (at the first quarter), not 100 times.
        Assert.Equal([0UL, 1024UL], seen.Distinct().ToArray());
        Assert.Equal(1600UL, ring.ConsumerPosition);
    }

    [Fact]
    public void More_than_half_a_ring_behind_the_consumer_position_is_published_after_every_record()
    {
        using var ring = new SyntheticRing(4096);
        for (int i = 0; i < 150; i++)
            ring.Submit(Bytes(8, 0)); // 2400 bytes pending: more than half of 4096
        var seen = new List<ulong>();
        var sink = new Watch(ring, seen);
        ring.Reader.Drain(ref sink, int.MaxValue, "test");

        // At each delivery the producer already sees every record before it as free.
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (ulong)i * 16), seen);
        Assert.Equal(2400UL, ring.ConsumerPosition);
    }

    private struct Watch(SyntheticRing ring, List<ulong> seen) : IRecordSink
    {
        public unsafe void Deliver(byte* data, int length) => seen.Add(ring.ConsumerPosition);
    }

    [Fact]
    public void A_handler_exception_leaves_the_records_before_it_and_itself_consumed()
    {
        using var ring = new SyntheticRing(4096);
        for (byte i = 0; i < 4; i++)
            ring.Submit([i]);
        var sink = new ThrowOn(2);
        Assert.Throws<InvalidOperationException>(() => ring.Reader.Drain(ref sink, int.MaxValue, "test"));
        Assert.Equal(48UL, ring.ConsumerPosition);
        Assert.Equal([[3]], Drain(ring));
    }

    private struct ThrowOn(byte value) : IRecordSink
    {
        public unsafe void Deliver(byte* data, int length)
        {
            if (*data == value)
                throw new InvalidOperationException("handler failed");
        }
    }

    [Fact]
    public void A_length_past_the_producer_position_is_reported_as_corruption_not_read()
    {
        using var ring = new SyntheticRing(4096);
        ring.Submit(Bytes(8, 1));
        ring.Write(0, BitConverter.GetBytes(100_000u)); // the header now claims far more than was written
        var error = Assert.Throws<CorruptBufferException>(() => Drain(ring));
        Assert.Contains("'test'", error.Message);
        Assert.Contains("100000 bytes", error.Message);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Pair
    {
        public ulong Sequence;
        public uint Pid;
        public uint Flags;
    }

    [Fact]
    public void Typed_records_are_laid_over_the_ring_and_short_ones_are_refused_by_size()
    {
        using var ring = new SyntheticRing(4096);
        var pair = new Pair { Sequence = 7, Pid = 4242, Flags = 3 };
        ring.Submit(MemoryMarshal.AsBytes(new ReadOnlySpan<Pair>(in pair)));
        ring.Submit(Bytes(12, 0));
        var received = new List<Pair>();
        var sink = new TypedSink<Pair>((ref readonly Pair p) => received.Add(p), "events");

        var error = Assert.Throws<EventSizeException>(() => ring.Reader.Drain(ref sink, int.MaxValue, "events"));

        Assert.Equal([pair], received);
        Assert.Equal(16, error.StructSize);
        Assert.Equal(12, error.RecordLength);
        Assert.Contains("'events'", error.Message);
        Assert.Contains("Pair", error.Message);
    }

    [Fact]
    public void Random_ring_contents_are_delivered_or_reported_corrupt_and_never_read_out_of_bounds()
    {
        using var ring = new SyntheticRing(4096);
        var random = new Random(3);
        var garbage = new byte[4096];
        for (int i = 0; i < 5_000; i++)
        {
            random.NextBytes(garbage);
            ring.Write(0, garbage);
            ring.ConsumerPosition = (ulong)random.Next(0, 1 << 20) & ~7UL;
            ring.ProducerPosition = ring.ConsumerPosition + ((ulong)random.Next(0, 3 * 4096) & ~7UL);
            var sink = new Collect([]);
            try
            {
                ring.Reader.Drain(ref sink, int.MaxValue, "fuzz");
            }
            catch (CorruptBufferException)
            {
            }
            Assert.InRange(ring.ConsumerPosition, 0UL, ring.ProducerPosition);
        }
    }
}
