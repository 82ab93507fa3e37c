using Nectar.Programs;
using Nectar.Links;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

/// <summary>
/// XDP on lo, for real: datagrams over loopback pass through generic XDP on their way in. Every
/// link is disposed by a using, so a failing test leaves nothing attached to lo.
/// </summary>
public class XdpTests
{
    private const int Datagrams = 20;

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Xdp_in_generic_mode_counts_each_datagram_to_its_port_until_the_link_is_disposed()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);

        using (var link = obj.Programs["xdp_count"].AttachXdp(PacketCounter.Loopback, XdpMode.Generic))
        {
            Assert.Equal("xdp_count on xdp lo (generic)", link.Description);
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
            Assert.Equal((ulong)Datagrams, obj.Count("xdp_packets"));
        }

        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        Assert.Equal((ulong)Datagrams, obj.Count("xdp_packets"));
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Xdp_program_that_drops_the_port_keeps_datagrams_from_arriving_until_it_is_detached()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port, dropPort: udp.Port);

        using (obj.Programs["xdp_count"].AttachXdp(PacketCounter.Loopback))
        {
            Assert.Equal(0, udp.SendAndReceive(Datagrams, expectArrival: false));
            Assert.Equal((ulong)Datagrams, obj.Count("xdp_packets")); // seen, then dropped
        }

        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        Assert.Equal((ulong)Datagrams, obj.Count("xdp_packets"));
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Xdp_attaches_by_interface_index_too()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        var loopback = NetworkDevice.FromName(PacketCounter.Loopback);

        using (obj.Programs["xdp_count"].AttachXdp(loopback.Index, XdpMode.Generic))
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));

        Assert.Equal((ulong)Datagrams, obj.Count("xdp_packets"));
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Xdp_frags_program_loads_with_the_frags_flag_and_attaches()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        var program = obj.Programs["xdp_frags_pass"];
        Assert.True(program.Section.IsXdpFrags);

        using (program.AttachXdp(PacketCounter.Loopback, XdpMode.Generic))
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Driver_mode_on_lo_is_refused_with_the_mode_that_works()
    {
        using var obj = PacketCounter.Load(port: 9);
        var error = Assert.ThrowsAny<BpfException>(() => obj.Programs["xdp_count"].AttachXdp(PacketCounter.Loopback, XdpMode.Driver).Dispose());
        Assert.Contains("XdpMode.Generic", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void A_program_that_is_not_an_xdp_program_is_refused_with_its_section()
    {
        using var obj = PacketCounter.Load(port: 9);
        var error = Assert.ThrowsAny<BpfException>(() => obj.Programs["tcx_count_ingress"].AttachXdp(PacketCounter.Loopback).Dispose());
        Assert.Contains("'tcx_count_ingress' (section 'tcx/ingress') is not an XDP program", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void A_second_xdp_program_in_the_same_mode_is_refused_naming_bpftool()
    {
        using var obj = PacketCounter.Load(port: 9);
        using (obj.Programs["xdp_count"].AttachXdp(PacketCounter.Loopback, XdpMode.Generic))
        {
            var error = Assert.ThrowsAny<BpfException>(() => obj.Programs["xdp_frags_pass"].AttachXdp(PacketCounter.Loopback, XdpMode.Generic).Dispose());
            Assert.Contains("already has an XDP program", error.Message);
            Assert.Contains("bpftool net show dev lo", error.Message);
        }
    }

    [KernelFact(Attach = [AttachKind.Xdp])]
    public void Attach_without_an_interface_names_AttachXdp()
    {
        using var obj = PacketCounter.Load(port: 9);
        var error = Assert.Throws<NotSupportedException>(() => obj.Programs["xdp_count"].Attach());
        Assert.Contains("AttachXdp(", error.Message);
    }
}
