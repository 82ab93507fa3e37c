using Nectar.Programs;
using Nectar.Links;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

/// <summary>
/// tcx on lo, for real: a datagram over loopback leaves through lo's egress and comes back in
/// through its ingress, so each hook sees every datagram once.
/// </summary>
public class TcxTests
{
    private const int Datagrams = 20;

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void Tcx_ingress_and_egress_count_each_datagram_until_their_links_are_disposed()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);

        using (var ingress = obj.Programs["tcx_count_ingress"].AttachTcx(PacketCounter.Loopback))
        using (var egress = obj.Programs["tcx_count_egress"].AttachTcx(PacketCounter.Loopback))
        {
            Assert.Equal("tcx_count_ingress on tcx ingress lo", ingress.Description);
            Assert.Equal("tcx_count_egress on tcx egress lo", egress.Description);
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
            Assert.Equal((ulong)Datagrams, obj.Count("ingress_packets"));
            Assert.Equal((ulong)Datagrams, obj.Count("egress_packets"));
        }

        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        Assert.Equal((ulong)Datagrams, obj.Count("ingress_packets"));
        Assert.Equal((ulong)Datagrams, obj.Count("egress_packets"));
    }

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void The_direction_given_overrides_the_sections()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        var loopback = NetworkDevice.FromName(PacketCounter.Loopback);

        // The egress-section program on ingress counts into its own counter all the same.
        using (var link = obj.Programs["tcx_count_egress"].AttachTcx(loopback.Index, TcxDirection.Ingress))
        {
            Assert.Equal("tcx_count_egress on tcx ingress lo", link.Description);
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        }
        Assert.Equal((ulong)Datagrams, obj.Count("egress_packets"));
        Assert.Equal(0UL, obj.Count("ingress_packets"));
    }

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void A_tc_section_names_no_direction_so_AttachTcx_takes_one()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        var program = obj.Programs["tc_count"];

        var error = Assert.Throws<ArgumentException>(() => program.AttachTcx(PacketCounter.Loopback).Dispose());
        Assert.Contains("TcxDirection.Ingress", error.Message);
        Assert.Contains("AttachTcx(\"eth0\", TcxDirection.Ingress)", Assert.Throws<NotSupportedException>(() => program.Attach()).Message);

        using (program.AttachTcx(PacketCounter.Loopback, TcxDirection.Egress))
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        Assert.Equal((ulong)Datagrams, obj.Count("tc_packets"));
    }

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void Nectar_prog_load_loads_every_network_program()
    {
        var result = NectarCli.Run("prog", "load", BpfObjects.PathOf("packet_counter"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        foreach (var line in new[] { @"xdp_count \(xdp\)", @"xdp_frags_pass \(xdp.frags\)", @"tcx_count_ingress \(tcx/ingress\)",
                     @"tcx_count_egress \(tcx/egress\)", @"tc_count \(tc\)", @"socket_count \(socket\)", @"socket_drop \(socket\)" })
            Assert.Matches(@"ok\s+" + line + @": id \d+", result.Output);
        Assert.Contains("7 of 7 program(s)", result.Output);
    }

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void Attach_without_an_interface_names_AttachTcx()
    {
        using var obj = PacketCounter.Load(port: 9);
        var error = Assert.Throws<NotSupportedException>(() => obj.Programs["tcx_count_ingress"].Attach());
        Assert.Contains("AttachTcx(", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Tcx])]
    public void A_program_that_is_not_a_tc_program_is_refused_with_its_section()
    {
        using var obj = PacketCounter.Load(port: 9);
        var error = Assert.ThrowsAny<BpfException>(() => obj.Programs["xdp_count"].AttachTcx(PacketCounter.Loopback, TcxDirection.Ingress).Dispose());
        Assert.Contains("'xdp_count' (section 'xdp') is not a tc program", error.Message);
    }
}
