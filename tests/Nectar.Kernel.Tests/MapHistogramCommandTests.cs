using System.Text.RegularExpressions;
using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar map dump ID --hist` and `nectar map watch ID --hist`, run as processes, against log2 maps this test fills.</summary>
public partial class MapHistogramCommandTests
{
    [KernelFact]
    public void Dump_hist_prints_each_slot_of_the_map_with_its_range_and_count()
    {
        uint[] slots = [3, 0, 17, 250, 1, 0, 0, 64];
        using var map = BpfMap.Create(new MapAttributes("hist_dump", MapType.Array, 4, (uint)(4 * slots.Length), 1));
        map.Update(ToBytes([0u]), ToBytes(slots));
        uint id = IdOf("hist_dump");

        var result = NectarCli.Run("map", "dump", id.ToString(), "--hist", "--value-type", "usecs");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var inMap = ReadSlots(map, 0u, slots.Length);
        var printed = Buckets(result.Output);
        Assert.Equal(slots.Length, printed.Count); // up to the last non-empty slot, which is the last here
        for (int slot = 0; slot < printed.Count; slot++)
        {
            Assert.Equal(Log2Histogram.LowerBound(slot), printed[slot].Low);
            Assert.Equal(Log2Histogram.UpperBound(slot), printed[slot].High);
            Assert.Equal(inMap[slot], printed[slot].Count);
        }
        Assert.StartsWith("     usecs               : count    distribution\n", result.Output);
        Assert.Contains("|****************************************|", result.Output); // the largest, 250
        Assert.EndsWith("1 histogram(s), 335 value(s) counted.\n", result.Output);
    }

    [KernelFact]
    public void Dump_hist_of_a_hash_names_each_key_above_its_histogram()
    {
        using var map = BpfMap.Create(new MapAttributes("hist_keyed", MapType.Hash, 4, 16, 8));
        map.Update(ToBytes([7u]), ToBytes([0u, 5u, 0u, 0u]));
        map.Update(ToBytes([9u]), ToBytes([1u, 0u, 0u, 2u]));

        var result = NectarCli.Run("map", "dump", IdOf("hist_keyed").ToString(), "--hist");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var sections = result.Output.Split("key: ", StringSplitOptions.RemoveEmptyEntries);
        var seven = Assert.Single(sections, s => s.StartsWith("07 00 00 00\n"));
        var nine = Assert.Single(sections, s => s.StartsWith("09 00 00 00\n"));
        Assert.Equal([(0UL, 1UL, 0UL), (2UL, 3UL, 5UL)], Buckets(seven).Select(b => (b.Low, b.High, b.Count)));
        Assert.Equal([1UL, 0UL, 0UL, 2UL], Buckets(nine).Select(b => b.Count));
    }

    [KernelFact]
    public void Watch_hist_redraws_the_map_each_interval()
    {
        using var map = BpfMap.Create(new MapAttributes("hist_watch", MapType.Array, 4, 8, 1));
        map.Update(ToBytes([0u]), ToBytes([4u, 2u]));

        var result = NectarCli.Run("map", "watch", IdOf("hist_watch").ToString(), "--hist", "--interval", "100ms", "--count", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(2, Regex.Matches(result.Output, @"^map \d+ 'hist_watch' at \d\d:\d\d:\d\d UTC, every 100ms$", RegexOptions.Multiline).Count);
        Assert.Equal([4UL, 2UL, 4UL, 2UL], Buckets(result.Output).Select(b => b.Count));
    }

    [KernelFact]
    public void Values_that_are_not_slots_are_one_line_and_exit_1()
    {
        using var map = BpfMap.Create(new MapAttributes("hist_odd", MapType.Array, 4, 6, 1));

        var result = NectarCli.Run("map", "dump", IdOf("hist_odd").ToString(), "--hist");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^nectar map dump: map \d+: Map 'hist_odd' has 6-byte values, not a whole number of 4-byte slots: give the slot count[^\n]*\n$", result.Error);
    }

    private static uint IdOf(string name) => Nectar.Programs.KernelObjects.Maps().Single(m => m.Name == name).Id;

    private static ulong[] ReadSlots(BpfMap map, uint key, int count)
    {
        var value = new byte[4 * count];
        Assert.True(map.TryLookup(BitConverter.GetBytes(key), value));
        return Enumerable.Range(0, count).Select(i => (ulong)BitConverter.ToUInt32(value, 4 * i)).ToArray();
    }

    private static byte[] ToBytes(uint[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static List<(ulong Low, ulong High, ulong Count)> Buckets(string text) =>
        BucketLine().Matches(text).Select(m => (ulong.Parse(m.Groups[1].Value), ulong.Parse(m.Groups[2].Value), ulong.Parse(m.Groups[3].Value))).ToList();

    [GeneratedRegex(@"^\s*(\d+) -> (\d+)\s+: (\d+)\s+\|[* ]+\|$", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
