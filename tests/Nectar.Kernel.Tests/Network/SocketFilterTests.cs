using Nectar.Links;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

/// <summary>Socket filters on the receiving UDP socket: SO_ATTACH_BPF, for real.</summary>
public class SocketFilterTests
{
    private const int Datagrams = 20;

    [KernelFact]
    public void Socket_filter_counts_each_datagram_its_socket_receives_until_detached()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);

        using (var filter = obj.Programs["socket_count"].AttachSocketFilter(udp.Receiver))
        {
            Assert.Equal($"socket_count on socket udp 127.0.0.1:{udp.Port}", filter.Description);
            Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
            Assert.Equal((ulong)Datagrams, obj.Count("socket_packets"));
        }

        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
        Assert.Equal((ulong)Datagrams, obj.Count("socket_packets"));
    }

    [KernelFact]
    public void Socket_filter_returning_zero_drops_every_datagram_until_detached()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);

        using (obj.Programs["socket_drop"].AttachSocketFilter(udp.Receiver))
            Assert.Equal(0, udp.SendAndReceive(Datagrams, expectArrival: false));

        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams));
    }

    [KernelFact]
    public void Attach_without_a_socket_names_AttachSocketFilter_and_other_kinds_are_refused()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);
        Assert.Contains("AttachSocketFilter(", Assert.Throws<NotSupportedException>(() => obj.Programs["socket_count"].Attach()).Message);
        var error = Assert.Throws<ArgumentException>(() => obj.Programs["xdp_count"].AttachSocketFilter(udp.Receiver));
        Assert.Contains("not a socket filter", error.Message);
    }

    [KernelFact]
    public void A_socket_filter_is_a_BpfLink_without_an_id_that_cannot_be_pinned()
    {
        using var udp = new LoopbackUdp();
        using var obj = PacketCounter.Load(udp.Port);

        using BpfLink filter = obj.Programs["socket_count"].AttachSocketFilter(udp.Receiver);

        Assert.Null(filter.Id);
        Assert.Null(filter.Fd);
        Assert.Equal(0, filter.KernelLinkCount);
        string pin = $"/sys/fs/bpf/nectar_test_socket_filter_{Environment.ProcessId}";
        var error = Assert.Throws<NotSupportedException>(() => filter.Pin(pin));
        Assert.Contains("socket filter", error.Message);
        Assert.False(File.Exists(pin));
        Assert.Equal(Datagrams, udp.SendAndReceive(Datagrams)); // still attached after the refusal
        Assert.Equal((ulong)Datagrams, obj.Count("socket_packets"));
    }

    [KernelFact]
    public void Disposing_after_the_socket_closed_does_nothing()
    {
        using var obj = PacketCounter.Load(port: 9);
        var udp = new LoopbackUdp();
        var filter = obj.Programs["socket_count"].AttachSocketFilter(udp.Receiver);
        udp.Dispose();
        filter.Dispose();
        filter.Dispose();
        Assert.Contains("socket_count on socket udp", filter.Description);
    }
}
