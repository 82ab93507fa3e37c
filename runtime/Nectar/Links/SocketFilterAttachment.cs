using System.Net.Sockets;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// A socket filter program on one socket (SO_ATTACH_BPF). Not a BPF link: the socket holds the
/// program, so closing the socket also removes it; Dispose removes it earlier (SO_DETACH_BPF).
/// A socket has one filter at a time: attaching another replaces this one.
/// </summary>
public sealed class SocketFilterAttachment : IDisposable
{
    private readonly Socket _socket;
    private int _disposed;

    private SocketFilterAttachment(Socket socket, string description)
    {
        _socket = socket;
        Description = description;
    }

    /// <summary>What is attached where ("socket_count on socket udp 127.0.0.1:5000").</summary>
    public string Description { get; }

    internal static SocketFilterAttachment Attach(BpfProgram program, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        string where = $"socket {socket.ProtocolType.ToString().ToLowerInvariant()} {LocalEndPointOf(socket)}";
        if (program.Section.Type != ProgramType.SocketFilter)
            throw new ArgumentException($"Program '{program.Name}' (section '{program.Section.Name}') is not a socket filter; SO_ATTACH_BPF takes programs of section \"socket\".", nameof(program));
        SocketFilterOptions.Attach(socket, program.Fd, $"Attaching socket filter '{program.Name}' to {where}");
        return new SocketFilterAttachment(socket, $"{program.Name} on {where}");
    }

    /// <summary>Detaches the filter (SO_DETACH_BPF); nothing to do once the socket is closed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            SocketFilterOptions.Detach(_socket);
    }

    public override string ToString() => Description;

    private static string LocalEndPointOf(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint?.ToString() ?? "(unbound)";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "(closed)";
        }
    }
}
