using Nectar.Programs;
using System.Net;
using System.Net.Sockets;
using Nectar.Kernel.Tests.Network;
using Nectar.Links;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>
/// Cgroup programs on this process's own cgroup v2 (the root cgroup on the test VM), for real:
/// they see this process's connects, sockets and datagrams over lo, and stop when the link is
/// disposed. Every link is in a using, so a failing assertion cannot leave a program on the cgroup.
/// </summary>
public class CgroupSocketTests
{
    private const int Count = 12;
    private const int EPERM = 1;

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Connect4_counts_each_connect_to_the_port_until_its_link_is_disposed()
    {
        using var tcp = new LoopbackTcp();
        using var obj = CgroupCounter.Load(port: tcp.Port);

        using (var link = obj.Programs["count_connect4"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            Assert.Equal($"count_connect4 on cgroup/connect4 {CgroupV2.OfCurrentProcess}", link.Description);
            for (int i = 0; i < Count; i++)
                tcp.Connect();
            Assert.Equal((ulong)Count, obj.Count("connects"));
        }

        for (int i = 0; i < Count; i++)
            tcp.Connect();
        Assert.Equal((ulong)Count, obj.Count("connects"));
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Connect4_returning_0_makes_connect_fail_with_EPERM_until_the_link_is_disposed()
    {
        using var denied = new LoopbackTcp();
        using var allowed = new LoopbackTcp();
        using var obj = CgroupCounter.Load(port: allowed.Port, denyPort: denied.Port);

        using (obj.Programs["count_connect4"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            var error = Assert.Throws<SocketException>(denied.Connect);
            Assert.Equal(SocketError.AccessDenied, error.SocketErrorCode); // .NET's name for EPERM (and EACCES)
            Assert.Equal(EPERM, denied.ConnectErrno()); // the kernel's errno, through libc
            allowed.Connect();
            Assert.Equal(2UL, obj.Count("denied_connects"));
            Assert.Equal(1UL, obj.Count("connects"));
        }

        denied.Connect();
        Assert.Equal(0, denied.ConnectErrno());
        Assert.Equal(2UL, obj.Count("denied_connects"));
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Sock_create_counts_each_socket_the_thread_creates_until_its_link_is_disposed()
    {
        using var obj = CgroupCounter.Load();

        using (obj.Programs["count_sock_create"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            for (int i = 0; i < Count; i++)
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                using var tcp = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            }
            Assert.Equal((ulong)(2 * Count), obj.Count("sockets_created"));
        }

        using (new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            Assert.Equal((ulong)(2 * Count), obj.Count("sockets_created"));
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Cgroup_skb_egress_and_ingress_count_each_datagram_until_their_links_are_disposed()
    {
        using var udp = new LoopbackUdp();
        using var obj = CgroupCounter.Load(port: udp.Port);

        using (var egress = obj.Programs["count_egress"].AttachCgroup(CgroupV2.OfCurrentProcess))
        using (var ingress = obj.Programs["count_ingress"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            // Sender and receiver are both in this cgroup: each datagram leaves once and arrives once.
            Assert.Equal(Count, udp.SendAndReceive(Count));
            Assert.Equal((ulong)Count, obj.Count("egress_packets"));
            Assert.Equal((ulong)Count, obj.Count("ingress_packets"));
        }

        Assert.Equal(Count, udp.SendAndReceive(Count));
        Assert.Equal((ulong)Count, obj.Count("egress_packets"));
        Assert.Equal((ulong)Count, obj.Count("ingress_packets"));
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Sendmsg4_rewriting_the_port_delivers_the_datagrams_to_the_other_socket()
    {
        using var addressed = new LoopbackUdp();
        using var other = new LoopbackUdp();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var obj = CgroupCounter.Load(redirectFrom: addressed.Port, redirectTo: other.Port);
        var destination = new IPEndPoint(IPAddress.Loopback, addressed.Port);

        using (obj.Programs["redirect_sendmsg4"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            for (int i = 0; i < Count; i++)
                sender.SendTo(BitConverter.GetBytes(i), destination);
            Assert.Equal(Count, Receive(other.Receiver, Count, LoopbackUdp.ArrivalWait));
            Assert.Equal(0, Receive(addressed.Receiver, 1, LoopbackUdp.AbsenceWait));
            Assert.Equal((ulong)Count, obj.Count("redirected_sends"));
        }

        for (int i = 0; i < Count; i++)
            sender.SendTo(BitConverter.GetBytes(i), destination);
        Assert.Equal(Count, Receive(addressed.Receiver, Count, LoopbackUdp.ArrivalWait));
        Assert.Equal(0, Receive(other.Receiver, 1, LoopbackUdp.AbsenceWait));
        Assert.Equal((ulong)Count, obj.Count("redirected_sends"));
    }

    private static int Receive(Socket socket, int expected, TimeSpan wait)
    {
        var buffer = new byte[64];
        int received = 0;
        while (received < expected && socket.Poll(wait, SelectMode.SelectRead))
        {
            socket.Receive(buffer);
            received++;
        }
        return received;
    }
}
