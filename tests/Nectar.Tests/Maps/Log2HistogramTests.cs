using Nectar.Maps;

namespace Nectar.Tests.Maps;

/// <summary>Log2Histogram: bcc's slot rule and its print_log2_hist layout (column widths, bars scaled to the largest count).</summary>
public class Log2HistogramTests
{
    [Fact]
    public void Prints_ranges_counts_and_bars_as_print_log2_hist()
    {
        var histogram = new Log2Histogram([1, 0, 3, 10, 0, 0]);

        // Up to the last non-empty slot; 40 stars for the largest count, the others floor(count * 40 / largest).
        Assert.Equal(
            "     usecs               : count    distribution\n" +
            "         0 -> 1          : 1        |****                                    |\n" +
            "         2 -> 3          : 0        |                                        |\n" +
            "         4 -> 7          : 3        |************                            |\n" +
            "         8 -> 15         : 10       |****************************************|\n",
            histogram.ToString("usecs"));
    }

    [Fact]
    public void Slots_past_32_use_the_wide_columns_and_20_star_bars()
    {
        var slots = new ulong[34];
        slots[0] = 2;
        slots[33] = 4;

        string[] lines = new Log2Histogram(slots).ToString("ns").Split('\n');

        Assert.Equal(new string(' ', 15) + "ns".PadRight(29) + " : count    distribution", lines[0]);
        Assert.Equal("                   0 -> 1                    : 2        |**********          |", lines[1]);
        Assert.Equal("          8589934592 -> 17179869183          : 4        |********************|", lines[34]);
    }

    [Fact]
    public void An_empty_histogram_prints_nothing()
    {
        Assert.Equal("", new Log2Histogram([0, 0, 0]).ToString());
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(1UL, 0)]
    [InlineData(2UL, 1)]
    [InlineData(3UL, 1)]
    [InlineData(200UL, 7)]
    [InlineData(ulong.MaxValue, 63)]
    public void A_value_lands_in_the_slot_whose_range_holds_it(ulong value, int slot)
    {
        Assert.Equal(slot, Log2Histogram.SlotOf(value));
        Assert.InRange(value, Log2Histogram.LowerBound(slot), Log2Histogram.UpperBound(slot));
    }

    [Fact]
    public void Per_cpu_values_are_summed_slot_by_slot()
    {
        // Two CPUs, three __u32 slots each, 16 bytes apart (the kernel rounds each copy up to 8 bytes).
        var value = new byte[32];
        BitConverter.TryWriteBytes(value.AsSpan(0), 1u);
        BitConverter.TryWriteBytes(value.AsSpan(8), 5u);
        BitConverter.TryWriteBytes(value.AsSpan(16), 2u);
        BitConverter.TryWriteBytes(value.AsSpan(24), 7u);

        var histogram = Log2Histogram.FromValue(value, slotCount: 3, slotSize: 4, stride: 16, cpus: 2);

        Assert.Equal([3UL, 0UL, 12UL], histogram.Slots);
        Assert.Equal(15UL, histogram.TotalCount);
    }

    [Fact]
    public void A_layout_that_does_not_fit_names_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Log2Histogram.FromValue(new byte[8], slotCount: 3));
        Assert.Contains("do not fit in 8 bytes", e.Message);
        Assert.Throws<ArgumentException>(() => new Log2Histogram([]));
    }
}
