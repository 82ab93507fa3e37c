using System.Text.Json;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

/// <summary>
/// bpftool, the oracle, sees the attachments: `bpftool net show dev lo` lists the XDP program while
/// its link is open and not after; `bpftool link list` lists the xdp and tcx links (bpftool 7.1
/// predates tcx, so it prints the tcx link type as its number, 11 = BPF_LINK_TYPE_TCX, and its
/// `net show` does not list tcx programs).
/// </summary>
public class BpftoolNetworkTests
{
    private const uint TcxLinkType = 11;

    [KernelFact(Attach = [AttachKind.Xdp, AttachKind.Tcx], Tools = Oracle.Bpftool)]
    public void Bpftool_lists_the_xdp_and_tcx_attachments_while_attached_and_not_after()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        uint xdpId = obj.Programs["xdp_count"].Id, ingressId = obj.Programs["tcx_count_ingress"].Id, egressId = obj.Programs["tcx_count_egress"].Id;

        using (obj.Programs["xdp_count"].AttachXdp(PacketCounter.Loopback))
        using (obj.Programs["tcx_count_ingress"].AttachTcx(PacketCounter.Loopback))
        using (obj.Programs["tcx_count_egress"].AttachTcx(PacketCounter.Loopback))
        {
            var xdp = Assert.Single(XdpOnLoopback());
            Assert.Equal(xdpId, xdp.GetProperty("id").GetUInt32());
            Assert.Equal("generic", xdp.GetProperty("mode").GetString()); // lo has no native XDP: Auto chose generic

            var links = BpftoolLinks();
            Assert.Equal("xdp", links[xdpId].GetProperty("type").GetString());
            Assert.Equal(TcxLinkType, links[ingressId].GetProperty("type").GetUInt32());
            Assert.Equal(TcxLinkType, links[egressId].GetProperty("type").GetUInt32());

            // What `nectar link list` prints agrees, with the tcx type by name.
            var ours = KernelObjects.Links().Where(l => l.ProgramId == xdpId || l.ProgramId == ingressId || l.ProgramId == egressId)
                .ToDictionary(l => l.ProgramId, l => l.TypeName);
            Assert.Equal(new Dictionary<uint, string> { [xdpId] = "xdp", [ingressId] = "tcx", [egressId] = "tcx" }, ours);
        }

        Assert.Empty(XdpOnLoopback());
        var after = BpftoolLinks();
        Assert.DoesNotContain(xdpId, after.Keys);
        Assert.DoesNotContain(ingressId, after.Keys);
        Assert.DoesNotContain(egressId, after.Keys);
    }

    private static List<JsonElement> XdpOnLoopback()
    {
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "net", "show", "dev", PacketCounter.Loopback));
        return shown.RootElement.EnumerateArray().SelectMany(e => e.GetProperty("xdp").EnumerateArray()).Select(e => e.Clone()).ToList();
    }

    /// <summary>bpftool's links by program id.</summary>
    private static Dictionary<uint, JsonElement> BpftoolLinks()
    {
        using var listed = JsonDocument.Parse(Bpftool.Run("-j", "link", "list"));
        return listed.RootElement.EnumerateArray().Select(e => e.Clone())
            .GroupBy(e => e.GetProperty("prog_id").GetUInt32()).ToDictionary(g => g.Key, g => g.First());
    }
}
