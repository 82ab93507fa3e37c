using System.Net;
using System.Net.Sockets;

namespace Nectar.Kernel.Tests.Network;

/// <summary>
/// A UDP socket bound to a free port on 127.0.0.1, and datagrams sent to it over lo: the traffic
/// the network tests count. Waits are bounded; a datagram that does not arrive within the wait
/// counts as not arriving (the tests assert on counts, never on how long anything took).
/// </summary>
internal sealed class LoopbackUdp : IDisposable
{
    /// <summary>How long to wait for a datagram that should arrive (lo delivers in microseconds).</summary>
    public static readonly TimeSpan ArrivalWait = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait before concluding that datagrams which should not arrive did not.</summary>
    public static readonly TimeSpan AbsenceWait = TimeSpan.FromMilliseconds(500);

    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public LoopbackUdp()
    {
        Receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = (ushort)((IPEndPoint)Receiver.LocalEndPoint!).Port;
    }

    public Socket Receiver { get; }

    /// <summary>The receiver's port, free when it was bound: the programs count datagrams to it.</summary>
    public ushort Port { get; }

    /// <summary>Sends <paramref name="count"/> datagrams to the receiver and returns how many it received.</summary>
    public int SendAndReceive(int count, bool expectArrival = true)
    {
        var destination = new IPEndPoint(IPAddress.Loopback, Port);
        for (int i = 0; i < count; i++)
            _sender.SendTo(BitConverter.GetBytes(i), destination);
        return Receive(count, expectArrival ? ArrivalWait : AbsenceWait);
    }

    private int Receive(int expected, TimeSpan wait)
    {
        var buffer = new byte[64];
        int received = 0;
        while (received < expected && Receiver.Poll(wait, SelectMode.SelectRead))
        {
            Receiver.Receive(buffer);
            received++;
        }
        return received;
    }

    public void Dispose()
    {
        Receiver.Dispose();
        _sender.Dispose();
    }
}
