using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// XDP on a device as a BPF link (BPF_LINK_CREATE, BPF_XDP, target_ifindex; Linux 5.9+): the program
/// stays attached while the link is open and detaches when it closes, unlike netlink XDP, which
/// outlives the process. The mode flags go in link_create.flags.
/// </summary>
internal static class XdpLink
{
    internal static BpfLink Attach(BpfProgram program, NetworkDevice device, XdpMode mode)
    {
        if (mode is not (XdpMode.Auto or XdpMode.Generic or XdpMode.Driver or XdpMode.Offload))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "XdpMode is one of Auto, Generic, Driver, Offload.");
        string description = $"{program.Name} on xdp {device.Name}" + (mode == XdpMode.Auto ? "" : $" ({mode.ToString().ToLowerInvariant()})");
        var fd = Bpf.TryLinkCreate(program.Fd, (uint)device.Index, (uint)AttachType.Xdp, (uint)mode, out int errno);
        if (fd is not null)
            return new BpfLink(fd, description);
        string operation = $"Attaching XDP program '{program.Name}' to {device.Name}";
        throw errno switch
        {
            Errno.ENODEV => NetworkDevice.Unknown(device.Name, $"{operation}: the interface is gone"),
            Errno.EBUSY or Errno.EEXIST => new BpfException(
                $"{operation} failed: the device already has an XDP program in this mode ({Libc.ErrorText(errno)}); " +
                $"one XDP program per device and mode: `bpftool net show dev {device.Name}` shows it, `ip link set dev {device.Name} xdp off` removes a netlink one.", errno),
            Errno.EOPNOTSUPP or Errno.ENOTSUPP when mode is XdpMode.Driver or XdpMode.Offload => new BpfNotSupportedException(
                $"{operation} in {mode} mode (the device's driver cannot; XdpMode.Generic works on any device)", errno),
            Errno.EINVAL when program.Section.Kind != AttachKind.Xdp => new BpfException(
                $"{operation} failed: '{program.Name}' (section '{program.Section.Name}') is not an XDP program (EINVAL).", errno),
            _ => Bpf.ToException(operation, errno),
        };
    }
}
