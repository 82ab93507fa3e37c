using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Programs, maps and links know their kernel id (asked once, then kept): the ids the kernel lists
/// for the objects this test holds.
/// </summary>
public class ObjectIdTests
{
    [KernelFact]
    public void Programs_maps_and_links_carry_the_ids_the_kernel_lists_for_them()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("tp_btf_counter"));
        var program = obj.Programs["count_btf_sys_enter"];
        using var link = program.Attach();
        var map = obj.Maps["counts"];

        var programs = KernelObjects.Programs().ToDictionary(p => p.Id);
        var maps = KernelObjects.Maps().ToDictionary(m => m.Id);
        var links = KernelObjects.Links().ToDictionary(l => l.Id);

        Assert.Equal("count_btf_sys_enter", programs[program.Id].Name);
        Assert.Equal("counts", maps[map.Id].Name);
        uint linkId = Assert.NotNull(link.Id); // one kernel link, so it has an id
        Assert.Equal(program.Id, links[linkId].ProgramId);
        Assert.Equal(map.Id, map.Id); // kept: a second read makes no syscall and gives the same id
        Assert.NotEqual(0u, linkId);
        Assert.Equal(1, link.KernelLinkCount);
    }
}
