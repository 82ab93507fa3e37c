using System.Runtime.InteropServices;
using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class MapApiTests
{
    [StructLayout(LayoutKind.Sequential)]
    private record struct FlowKey(uint Source, uint Destination, ushort Port, ushort Protocol);

    [StructLayout(LayoutKind.Sequential)]
    private record struct FlowStats(ulong Packets, ulong Bytes);

    [KernelFact]
    public void Hash_with_struct_keys_and_values_iterates_every_entry()
    {
        using var map = BpfMap.Create(new MapAttributes("nectar_flows", MapType.Hash, 12, 16, 64));
        var stored = Enumerable.Range(1, 20).ToDictionary(i => new FlowKey((uint)i, (uint)(i * 7), (ushort)(1000 + i), 6), i => new FlowStats((ulong)i, (ulong)i * 1500));
        foreach (var (key, value) in stored)
            map.Update(key, value);

        var read = map.Entries<FlowKey, FlowStats>().ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(stored.OrderBy(e => e.Key.Source), read.OrderBy(e => e.Key.Source));
        Assert.Equal(20, map.Keys<FlowKey>().Count());
    }

    [KernelTheory]
    [InlineData(MapType.PerCpuArray)]
    [InlineData(MapType.PerCpuHash)]
    [InlineData(MapType.LruPerCpuHash)]
    public void Per_cpu_map_holds_one_value_per_possible_cpu(MapType type)
    {
        // A 4-byte value: each CPU's slot is rounded up to 8 bytes, which the API hides.
        using var map = BpfMap.Create(new MapAttributes("nectar_percpu", type, 4, 4, 8));
        var values = Enumerable.Range(0, PossibleCpus.Count).Select(cpu => (uint)(cpu * 10 + 1)).ToArray();
        map.UpdatePerCpu(3u, values.AsSpan());

        Assert.Equal(values, map.LookupPerCpu<uint, uint>(3u));
        if (type != MapType.PerCpuArray)
            Assert.Null(map.LookupPerCpu<uint, uint>(4u));
        Assert.Throws<ArgumentException>(() => map.TryLookup(3u, out uint _));
    }

    [KernelFact]
    public void Lru_hash_evicts_instead_of_refusing_when_full()
    {
        using var lru = BpfMap.Create(new MapAttributes("nectar_lru", MapType.LruHash, 4, 8, 64));
        using var hash = BpfMap.Create(new MapAttributes("nectar_full", MapType.Hash, 4, 8, 64));
        for (uint key = 0; key < 1000; key++)
            lru.Update(key, (ulong)key);
        Assert.InRange(lru.Keys<uint>().Count(), 1, 64);
        Assert.True(lru.TryLookup(999u, out ulong newest));
        Assert.Equal(999UL, newest);

        for (uint key = 0; key < 64; key++)
            hash.Update(key, (ulong)key);
        var full = Assert.ThrowsAny<BpfException>(() => hash.Update(64u, 64UL));
        Assert.Equal(Interop.Errno.E2BIG, full.ErrorNumber);
    }
}
