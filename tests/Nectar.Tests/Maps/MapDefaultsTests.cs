using Nectar.Maps;

namespace Nectar.Tests.Maps;

public class MapDefaultsTests
{
    private static MapAttributes Spec(MapType type, uint maxEntries) => new("m", type, 4, 4, maxEntries);

    [Theory]
    [InlineData(0u, 6u)]      // left out: one entry per possible CPU
    [InlineData(128u, 128u)]  // given: kept
    public void A_perf_event_array_gets_one_entry_per_possible_cpu_unless_sized(uint declared, uint expected) =>
        Assert.Equal(expected, MapDefaults.Apply(Spec(MapType.PerfEventArray, declared), possibleCpus: 6, pageSize: 4096).MaxEntries);

    [Theory]
    [InlineData(100_000u, 131_072u)]
    [InlineData(4_096u, 4_096u)]
    [InlineData(1u, 4_096u)]
    [InlineData(12_288u, 16_384u)]        // a page multiple, but 3 pages is no power of two
    [InlineData(262_144u, 262_144u)]
    [InlineData(0u, 0u)]                  // no size: the kernel's own error, not an invented size
    [InlineData(0xFFFF_F001u, 0xFFFF_F001u)] // no power-of-two product holds it: left for the kernel to refuse
    public void A_ring_buffer_is_rounded_up_to_a_page_size_times_a_power_of_two(uint declared, uint expected)
    {
        Assert.Equal(expected, MapDefaults.Apply(Spec(MapType.RingBuf, declared), possibleCpus: 2, pageSize: 4096).MaxEntries);
        Assert.Equal(expected, MapDefaults.Apply(Spec(MapType.UserRingBuf, declared), possibleCpus: 2, pageSize: 4096).MaxEntries);
    }

    [Fact]
    public void Other_maps_are_created_as_declared()
    {
        var hash = Spec(MapType.Hash, 0);
        Assert.Same(hash, MapDefaults.Apply(hash, possibleCpus: 2, pageSize: 4096));
    }
}
