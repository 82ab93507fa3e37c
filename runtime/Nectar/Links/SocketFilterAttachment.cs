using System.Net.Sockets;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// A socket filter program on one socket (SO_ATTACH_BPF). Not a kernel BPF link: the socket holds
/// the program, so closing the socket also removes it; Dispose removes it earlier (SO_DETACH_BPF).
/// So it has no <see cref="BpfLink.Id"/> (null, <see cref="BpfLink.KernelLinkCount"/> 0) and
/// <see cref="BpfLink.Pin"/> throws. A socket has one filter at a time: attaching another replaces this one.
/// </summary>
public sealed class SocketFilterAttachment : BpfLink
{
    private readonly Socket _socket;

    internal SocketFilterAttachment(Socket socket, string description) : base(description) => _socket = socket;

    internal static SocketFilterAttachment Attach(BpfProgram program, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        string where = $"socket {socket.ProtocolType.ToString().ToLowerInvariant()} {LocalEndPointOf(socket)}";
        if (program.Section.Type != ProgramType.SocketFilter)
            throw new ArgumentException($"Program '{program.Name}' (section '{program.Section.Name}') is not a socket filter; SO_ATTACH_BPF takes programs of section \"socket\".", nameof(program));
        SocketFilterOptions.Attach(socket, program.Fd, $"Attaching socket filter '{program.Name}' to {where}");
        return new SocketFilterAttachment(socket, $"{program.Name} on {where}");
    }

    private protected override string WhyNoPin =>
        $"'{Description}' is a socket filter (SO_ATTACH_BPF), not a BPF link: the socket holds the program, and a bpffs pin cannot hold a socket. " +
        "It stays attached while the socket is open; keep the socket (and this process) alive instead.";

    /// <summary>Detaches the filter (SO_DETACH_BPF); nothing to do once the socket is closed.</summary>
    private protected override void Detach() => SocketFilterOptions.Detach(_socket);

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
