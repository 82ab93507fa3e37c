using System.Net.Sockets;
using Nectar.Links;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches this XDP program (SEC("xdp"), SEC("xdp.frags")) to a network interface by name
    /// ("lo", "eth0") through a BPF link; Dispose the link to detach. With <see cref="XdpMode.Auto"/>
    /// the kernel picks the driver's native XDP where there is one, generic XDP otherwise.
    /// </summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that name.</exception>
    public BpfLink AttachXdp(string networkInterface, XdpMode mode = XdpMode.Auto) =>
        XdpLink.Attach(this, NetworkDevice.FromName(networkInterface), mode);

    /// <summary>Attaches this XDP program to the interface with index <paramref name="interfaceIndex"/>.</summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that index.</exception>
    public BpfLink AttachXdp(int interfaceIndex, XdpMode mode = XdpMode.Auto) =>
        XdpLink.Attach(this, NetworkDevice.FromIndex(interfaceIndex), mode);

    /// <summary>
    /// Attaches this tc program to a network interface's ingress or egress through tcx (Linux 6.6+),
    /// after the programs already there; Dispose the link to detach. The direction defaults to the
    /// section's (tcx/ingress, tcx/egress); tc and classifier sections name none, so pass it.
    /// </summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that name.</exception>
    public BpfLink AttachTcx(string networkInterface, TcxDirection? direction = null) =>
        TcxLink.Attach(this, NetworkDevice.FromName(networkInterface), DirectionFor(direction));

    /// <summary>Attaches this tc program to the ingress or egress of the interface with index <paramref name="interfaceIndex"/>.</summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that index.</exception>
    public BpfLink AttachTcx(int interfaceIndex, TcxDirection? direction = null) =>
        TcxLink.Attach(this, NetworkDevice.FromIndex(interfaceIndex), DirectionFor(direction));

    /// <summary>
    /// Attaches this socket filter (SEC("socket")) to <paramref name="socket"/>: it runs on every
    /// packet the socket receives, and keeps as many bytes as it returns (0 drops the packet).
    /// Dispose the result to detach; closing the socket also does.
    /// </summary>
    public SocketFilterAttachment AttachSocketFilter(Socket socket) => SocketFilterAttachment.Attach(this, socket);

    private TcxDirection DirectionFor(TcxDirection? direction) => direction ?? Section.ExpectedAttachType switch
    {
        AttachType.TcxIngress => TcxDirection.Ingress,
        AttachType.TcxEgress => TcxDirection.Egress,
        _ => throw new ArgumentException($"Program '{Name}' (section '{Section.Name}') names no direction; pass TcxDirection.Ingress or TcxDirection.Egress to AttachTcx.", nameof(direction)),
    };

    /// <summary>Why Attach() cannot attach a network program on its own, and the method that can.</summary>
    private string NetworkAttachHint => Section.Kind switch
    {
        AttachKind.Xdp => $"Program '{Name}' (section {Section.Name}) runs on a network interface: attach it with AttachXdp(\"eth0\") (or an interface index).",
        AttachKind.Tcx => $"Program '{Name}' (section {Section.Name}) runs on a network interface: attach it with AttachTcx(\"eth0\"{(Section.ExpectedAttachType == AttachType.None ? ", TcxDirection.Ingress" : "")}) (or an interface index).",
        _ => $"Program '{Name}' (section {Section.Name}) filters one socket: attach it with AttachSocketFilter(socket).",
    };
}
