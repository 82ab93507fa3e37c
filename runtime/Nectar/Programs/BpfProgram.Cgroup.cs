using System.Runtime.InteropServices;
using Nectar.Links;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches this cgroup program (cgroup_skb/, cgroup/, sockops) to the cgroup v2 directory
    /// <paramref name="cgroupPath"/> through a BPF link, at the hook its section names: it runs for
    /// every process in that cgroup and the cgroups below it. Dispose the link to detach.
    /// <see cref="CgroupV2.OfCurrentProcess"/> is this process's own cgroup.
    /// </summary>
    /// <exception cref="NotACgroupException">The path is not a directory of a cgroup v2 hierarchy.</exception>
    public BpfLink AttachCgroup(string cgroupPath) => CgroupLink.Attach(this, cgroupPath);

    /// <summary>
    /// Attaches this cgroup program to the cgroup v2 directory already open as <paramref name="cgroupDirectory"/>
    /// (opened O_RDONLY | O_DIRECTORY); the handle stays the caller's.
    /// </summary>
    public BpfLink AttachCgroup(SafeHandle cgroupDirectory) =>
        CgroupLink.Attach(this, cgroupDirectory, $"cgroup fd {(cgroupDirectory ?? throw new ArgumentNullException(nameof(cgroupDirectory))).DangerousGetHandle()}");

    /// <summary>Why Attach() cannot attach a cgroup program on its own, and the method that can.</summary>
    private string CgroupAttachHint =>
        $"Program '{Name}' (section {Section.Name}) runs for the processes of a cgroup: attach it with AttachCgroup(CgroupV2.OfCurrentProcess) or AttachCgroup(\"/sys/fs/cgroup/...\") (a cgroup v2 directory).";
}
