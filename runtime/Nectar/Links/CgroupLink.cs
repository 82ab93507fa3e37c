using System.Runtime.InteropServices;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// A cgroup program on a cgroup v2 directory as a BPF link (BPF_LINK_CREATE, target_fd = the
/// directory opened O_RDONLY | O_DIRECTORY, attach_type = the section's hook; Linux 5.7+). The
/// program runs for the sockets (devices, sysctls) of that cgroup and its descendants while the link
/// is open; links coexist with other programs on the same hook (the kernel runs them all, in
/// order, as BPF_F_ALLOW_MULTI) and detach when the link closes, so nothing outlives the process.
/// </summary>
internal static class CgroupLink
{
    internal static BpfLink Attach(BpfProgram program, string cgroupPath)
    {
        using var directory = CgroupV2.Open(cgroupPath);
        return Attach(program, directory, cgroupPath);
    }

    internal static BpfLink Attach(BpfProgram program, SafeHandle cgroupDirectory, string where)
    {
        ArgumentNullException.ThrowIfNull(cgroupDirectory);
        if (program.Section.Kind != AttachKind.Cgroup)
            throw new ArgumentException($"Program '{program.Name}' (section '{program.Section.Name}') is not a cgroup program; AttachCgroup takes programs of sections cgroup_skb/, cgroup/ and sockops.", nameof(program));
        bool added = false;
        try
        {
            cgroupDirectory.DangerousAddRef(ref added);
            var fd = Bpf.TryLinkCreate(program.Fd, (uint)cgroupDirectory.DangerousGetHandle(), (uint)program.Section.ExpectedAttachType, 0, out int errno);
            if (fd is not null)
                return new BpfLink(fd, $"{program.Name} on {program.Section.Name} {where}");
            string operation = $"Attaching cgroup program '{program.Name}' ({program.Section.Name}) to {where}";
            throw errno switch
            {
                // The kernel's answer to a file descriptor that is not a cgroup v2 directory.
                Errno.EBADF => CgroupV2.NotACgroup(where, $"{where} is not a cgroup v2 directory (EBADF)"),
                _ => Bpf.ToException(operation, errno),
            };
        }
        finally
        {
            if (added)
                cgroupDirectory.DangerousRelease();
        }
    }
}
