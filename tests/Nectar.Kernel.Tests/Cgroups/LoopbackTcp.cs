using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>A TCP listener on a free port of 127.0.0.1, and connects to it: what connect4 counts and refuses.</summary>
internal sealed partial class LoopbackTcp : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackTcp()
    {
        _listener.Start();
        Port = (ushort)((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public ushort Port { get; }

    /// <summary>Connects to the listener and closes the connection (and the accepted one).</summary>
    public void Connect()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, Port));
        using var accepted = _listener.AcceptSocket();
    }

    /// <summary>
    /// connect(2) to the listener through libc, for the errno itself: .NET folds EPERM into
    /// SocketError.AccessDenied (NativeErrorCode 13, EACCES). 0 if the connect succeeded.
    /// </summary>
    public unsafe int ConnectErrno()
    {
        const int AF_INET = 2, SOCK_STREAM = 1;
        int fd = Socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            throw new InvalidOperationException($"socket() failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            // struct sockaddr_in: family, port (network order), address 127.0.0.1, zero padding.
            byte* address = stackalloc byte[16];
            new Span<byte>(address, 16).Clear();
            *(ushort*)address = AF_INET;
            address[2] = (byte)(Port >> 8);
            address[3] = (byte)Port;
            address[4] = 127;
            address[7] = 1;
            return ConnectTo(fd, address, 16) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static unsafe partial int ConnectTo(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    public void Dispose() => _listener.Stop();
}
