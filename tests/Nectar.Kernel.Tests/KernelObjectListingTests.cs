using System.Text.Json;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// `nectar prog/map/link list` read the kernel through KernelObjects; bpftool (the test oracle,
/// never a product dependency) must list the same ids with the same names and types. Other
/// processes load and unload objects meanwhile, so only ids present in both listings are compared,
/// and the objects this test holds open must be in both.
/// </summary>
public class KernelObjectListingTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void Programs_maps_and_links_match_what_bpftool_lists()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("tp_btf_counter"));
        using var obj = spec.Load();
        using var link = obj.Programs["count_btf_sys_enter"].Attach();
        uint programId = obj.Programs["count_btf_sys_enter"].Id;

        var programs = KernelObjects.Programs().ToDictionary(p => p.Id);
        var oracle = Bpftool("prog");
        Assert.Contains(programId, programs.Keys);
        Assert.Contains(programId, oracle.Keys);
        Assert.Equal("count_btf_sys_enter", programs[programId].Name); // 15 characters in the kernel, the rest from BTF
        foreach (var id in programs.Keys.Intersect(oracle.Keys))
        {
            Assert.Equal(oracle[id].GetProperty("type").GetString(), programs[id].TypeName);
            Assert.Equal(oracle[id].GetProperty("name").GetString(), programs[id].Name);
            Assert.Equal(oracle[id].GetProperty("tag").GetString(), programs[id].Tag);
        }

        var maps = KernelObjects.Maps().ToDictionary(m => m.Id);
        var mapOracle = Bpftool("map");
        Assert.Contains(maps.Values, m => m.Name == "counts" && m.Type == Maps.MapType.Array && m.MaxEntries == 4);
        var shared = maps.Keys.Intersect(mapOracle.Keys).ToList();
        Assert.NotEmpty(shared);
        foreach (var id in shared)
        {
            Assert.Equal(mapOracle[id].GetProperty("type").GetString(), maps[id].TypeName);
            Assert.Equal(mapOracle[id].GetProperty("name").GetString(), maps[id].Name);
            Assert.Equal(mapOracle[id].GetProperty("max_entries").GetUInt32(), maps[id].MaxEntries);
        }

        var links = KernelObjects.Links().ToDictionary(l => l.Id);
        var linkOracle = Bpftool("link");
        var ours = Assert.Single(links.Values, l => l.ProgramId == programId);
        Assert.Equal("raw_tracepoint", ours.TypeName); // tp_btf attaches through BPF_RAW_TRACEPOINT_OPEN
        Assert.Contains(ours.Id, linkOracle.Keys);
        foreach (var id in links.Keys.Intersect(linkOracle.Keys))
        {
            Assert.Equal(linkOracle[id].GetProperty("type").GetString(), links[id].TypeName);
            Assert.Equal(linkOracle[id].GetProperty("prog_id").GetUInt32(), links[id].ProgramId);
        }
    }

    private static Dictionary<uint, JsonElement> Bpftool(string kind)
    {
        var result = Processes.Run("bpftool", ["-j", kind, "list"]);
        Assert.True(result.ExitCode == 0, $"bpftool {kind} list failed: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetUInt32(), e => e.Clone());
    }
}
