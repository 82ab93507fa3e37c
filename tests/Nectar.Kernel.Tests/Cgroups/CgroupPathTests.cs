using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>What AttachCgroup does with paths that are not cgroup v2 directories, and programs that are not cgroup programs.</summary>
public class CgroupPathTests
{
    [KernelTheory(Attach = [AttachKind.Cgroup])]
    [InlineData("/tmp")]
    [InlineData("/proc")]
    [InlineData("/sys/fs/cgroup/memory")] // a cgroup v1 hierarchy on this VM (tmpfs on pure v2 systems): not v2 either way
    [InlineData("/nonexistent/nectar-cgroup")]
    [InlineData("/etc/hostname")]
    public void A_path_that_is_not_a_cgroup_v2_directory_is_a_typed_error_naming_it_and_the_mount_point(string path)
    {
        using var obj = CgroupCounter.Load();
        var error = Assert.Throws<NotACgroupException>(() => obj.Programs["count_connect4"].AttachCgroup(path).Dispose());
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains(CgroupV2.MountPoint, error.CgroupV2MountPoints);
        Assert.Contains($"cgroup v2 is mounted at {CgroupV2.MountPoint}", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void The_current_process_cgroup_is_the_v2_directory_whose_cgroup_procs_lists_this_process()
    {
        string cgroup = CgroupV2.OfCurrentProcess;
        Assert.StartsWith(CgroupV2.MountPoint, cgroup);
        var members = File.ReadAllLines(Path.Join(cgroup, "cgroup.procs"));
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), members);
        Assert.Equal(cgroup, CgroupV2.OfProcess(Environment.ProcessId));
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Attach_without_a_cgroup_names_AttachCgroup()
    {
        using var obj = CgroupCounter.Load();
        var error = Assert.Throws<NotSupportedException>(() => obj.Programs["count_egress"].Attach().Dispose());
        Assert.Contains("AttachCgroup(CgroupV2.OfCurrentProcess)", error.Message);
        Assert.Contains("cgroup_skb/egress", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void A_program_that_is_not_a_cgroup_program_is_refused_with_its_section()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("packet_counter"));
        var error = Assert.Throws<ArgumentException>(() => obj.Programs["xdp_count"].AttachCgroup(CgroupV2.OfCurrentProcess).Dispose());
        Assert.Contains("'xdp_count' (section 'xdp') is not a cgroup program", error.Message);
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void An_open_cgroup_directory_handle_attaches_too()
    {
        using var tcp = new LoopbackTcp();
        using var obj = CgroupCounter.Load(port: tcp.Port);
        using var directory = new Nectar.Interop.BpfFileDescriptor(Nectar.Interop.CgroupDirectory.TryOpen(CgroupV2.OfCurrentProcess, out _));
        using (obj.Programs["count_connect4"].AttachCgroup(directory))
            tcp.Connect();
        tcp.Connect();
        Assert.Equal(1UL, obj.Count("connects"));
        Assert.False(directory.IsClosed);
    }
}
