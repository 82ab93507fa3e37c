using System.Globalization;
using System.Text.Json;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// bpf/libbpf_map_types.bpf.o declares __type(key)/__type(value) on every map, as real tools do,
/// including map types the kernel refuses BTF types for (ENOTSUPP). libbpf (through bpftool) is the
/// oracle: the object loads, and exactly the maps libbpf gives BTF carry it in Nectar too.
/// </summary>
public class MapBtfTypingTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void Typed_fd_array_maps_load_and_carry_BTF_exactly_where_libbpf_gives_it()
    {
        string path = BpfObjects.PathOf("libbpf_map_types");
        using var obj = BpfObject.Load(path);
        var ours = obj.Maps.Values.ToDictionary(m => m.Name, m => HasBtf(MapId(m)));

        Assert.Contains(obj.Maps.Values, m => m.Type == MapType.CgroupArray);
        Assert.True(ours["counts"], "the hash map keeps its BTF key and value types");
        Assert.False(ours["cgroup_map"], "the cgroup array is created without BTF types");

        using var bpftool = BpftoolLoad.LoadAll(path, pinMaps: true);
        var theirs = Directory.GetFiles(Path.Combine(bpftool.Directory, "maps")).ToDictionary(p => Path.GetFileName(p)!, p =>
        {
            using var shown = JsonDocument.Parse(Bpftool.Run("-j", "map", "show", "pinned", p));
            return shown.RootElement.TryGetProperty("btf_id", out _);
        });
        Assert.Equal(theirs.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void A_map_left_without_max_entries_for_user_space_to_set_says_so()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("libbpf_map_types"));
        spec.Maps["counts"].Attributes = spec.Maps["counts"].Attributes with { MaxEntries = 0 };
        var error = Assert.ThrowsAny<Nectar.BpfException>(() => spec.Load().Dispose());
        Assert.Contains("Map 'counts' declares no max_entries (0)", error.Message);
        Assert.Contains("bpf_map__set_max_entries", error.Message);
    }

    [Fact]
    public void Only_data_keyed_map_types_accept_BTF_key_and_value_types()
    {
        Assert.True(MapBtfTyping.AcceptsKeyValueTypes(MapType.Hash));
        Assert.True(MapBtfTyping.AcceptsKeyValueTypes(MapType.RingBuf));
        foreach (var type in new[] { MapType.PerfEventArray, MapType.CgroupArray, MapType.StackTrace, MapType.ArrayOfMaps, MapType.HashOfMaps,
                     MapType.DevMap, MapType.DevMapHash, MapType.CpuMap, MapType.XskMap, MapType.SockMap, MapType.SockHash,
                     MapType.Queue, MapType.Stack, MapType.Arena })
            Assert.False(MapBtfTyping.AcceptsKeyValueTypes(type), type.ToString());
    }

    private static uint MapId(BpfMap map)
    {
        string line = File.ReadLines($"/proc/self/fdinfo/{map.Fd.Value}").Single(l => l.StartsWith("map_id:", StringComparison.Ordinal));
        return uint.Parse(line["map_id:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static bool HasBtf(uint id)
    {
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "map", "show", "id", id.ToString(CultureInfo.InvariantCulture)));
        return shown.RootElement.TryGetProperty("btf_id", out _);
    }
}
