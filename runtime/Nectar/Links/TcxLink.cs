using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// A tc program on a device's ingress or egress through tcx (BPF_LINK_CREATE, BPF_TCX_INGRESS /
/// BPF_TCX_EGRESS, target_ifindex; Linux 6.6+): no qdisc, no netlink, several programs per hook in
/// order, detached when the link closes. Appended last: link_create.tcx's relative fd/id and
/// expected revision stay 0, so no BPF_F_BEFORE/AFTER and no revision check.
/// </summary>
internal static class TcxLink
{
    internal static BpfLink Attach(BpfProgram program, NetworkDevice device, TcxDirection direction)
    {
        var attachType = direction switch
        {
            TcxDirection.Ingress => AttachType.TcxIngress,
            TcxDirection.Egress => AttachType.TcxEgress,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "TcxDirection is Ingress or Egress."),
        };
        string where = $"tcx {direction.ToString().ToLowerInvariant()} {device.Name}";
        var fd = Bpf.TryLinkCreate(program.Fd, (uint)device.Index, (uint)attachType, 0, out int errno);
        if (fd is not null)
            return new BpfLink(fd, $"{program.Name} on {where}");
        string operation = $"Attaching tc program '{program.Name}' to {where}";
        throw errno switch
        {
            Errno.ENODEV => NetworkDevice.Unknown(device.Name, $"{operation}: the interface is gone"),
            Errno.EINVAL when program.Section.Type != ProgramType.SchedCls => new BpfException(
                $"{operation} failed: '{program.Name}' (section '{program.Section.Name}') is not a tc program; tcx runs tcx/ingress, tcx/egress, tc and classifier programs (EINVAL).", errno),
            Errno.EINVAL => new BpfException(
                $"{operation} failed (EINVAL): tcx needs Linux 6.6 or newer built with CONFIG_NET_XGRESS; this kernel refused it.", errno),
            _ => Bpf.ToException(operation, errno),
        };
    }
}
