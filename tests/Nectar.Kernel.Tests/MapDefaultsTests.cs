using System.Text.Json;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// bpf/map_defaults.bpf.c leaves a perf event array's size and a ring buffer's rounding to the
/// loader, as objects written for libbpf do: Nectar makes the maps bpftool (libbpf) makes.
/// </summary>
public class MapDefaultsTests
{
    private static readonly string ObjectPath = BpfObjects.PathOf("map_defaults");

    [KernelFact]
    public void The_kernel_holds_maps_sized_as_the_loader_reports()
    {
        using var obj = BpfObjectSpec.Read(ObjectPath).Load();
        var inKernel = KernelObjects.Describe(obj.Maps["samples"].Fd);
        Assert.Equal((uint)PossibleCpus.Count, inKernel.MaxEntries);
        Assert.Equal(inKernel.MaxEntries, obj.Maps["samples"].MaxEntries);
        // 100,000 bytes asked: the next page size times a power of two.
        uint ring = KernelObjects.Describe(obj.Maps["records"].Fd).MaxEntries;
        Assert.Equal(ring, obj.Maps["records"].MaxEntries);
        Assert.True(ring >= 100_000 && ring % Environment.SystemPageSize == 0 && uint.IsPow2(ring / (uint)Environment.SystemPageSize), $"ring of {ring} bytes");
        Assert.True(ring / 2 < 100_000 || ring / 2 % Environment.SystemPageSize != 0, $"ring of {ring} bytes is not the smallest");
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Bpftool_makes_the_same_maps_from_the_same_object()
    {
        using var obj = BpfObjectSpec.Read(ObjectPath).Load();
        using var libbpf = BpftoolLoad.LoadAll(ObjectPath);
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "prog", "show", "pinned", libbpf.Program("output_both")));
        var bpftoolMaps = shown.RootElement.GetProperty("map_ids").EnumerateArray()
            .Select(id => JsonDocument.Parse(Bpftool.Run("-j", "map", "show", "id", id.GetUInt32().ToString())).RootElement)
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("max_entries").GetUInt32());
        Assert.Equal(bpftoolMaps["samples"], obj.Maps["samples"].MaxEntries);
        Assert.Equal(bpftoolMaps["records"], obj.Maps["records"].MaxEntries);
    }
}
