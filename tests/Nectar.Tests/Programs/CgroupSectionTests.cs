using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Tests.Programs;

/// <summary>
/// The cgroup sections (whole names, as libbpf matches them): the program type and expected attach
/// type each loads with, the kernel's numbers for them, and how cgroup paths are found and refused.
/// </summary>
public sealed class CgroupSectionTests
{
    // Program type and expected attach type as numbers: enum bpf_prog_type and enum bpf_attach_type
    // of the running kernel (Linux 6.18 vmlinux BTF; the unix ones are 6.7+).
    [Theory]
    [InlineData("cgroup_skb/ingress", 8u, 0u)]
    [InlineData("cgroup_skb/egress", 8u, 1u)]
    [InlineData("cgroup/sock_create", 9u, 2u)]
    [InlineData("cgroup/sock", 9u, 2u)]
    [InlineData("cgroup/sock_release", 9u, 34u)]
    [InlineData("cgroup/post_bind4", 9u, 12u)]
    [InlineData("cgroup/post_bind6", 9u, 13u)]
    [InlineData("cgroup/bind4", 18u, 8u)]
    [InlineData("cgroup/bind6", 18u, 9u)]
    [InlineData("cgroup/connect4", 18u, 10u)]
    [InlineData("cgroup/connect6", 18u, 11u)]
    [InlineData("cgroup/connect_unix", 18u, 49u)]
    [InlineData("cgroup/sendmsg4", 18u, 14u)]
    [InlineData("cgroup/sendmsg6", 18u, 15u)]
    [InlineData("cgroup/sendmsg_unix", 18u, 50u)]
    [InlineData("cgroup/recvmsg4", 18u, 19u)]
    [InlineData("cgroup/recvmsg6", 18u, 20u)]
    [InlineData("cgroup/recvmsg_unix", 18u, 51u)]
    [InlineData("cgroup/getpeername4", 18u, 29u)]
    [InlineData("cgroup/getpeername6", 18u, 30u)]
    [InlineData("cgroup/getpeername_unix", 18u, 52u)]
    [InlineData("cgroup/getsockname4", 18u, 31u)]
    [InlineData("cgroup/getsockname6", 18u, 32u)]
    [InlineData("cgroup/getsockname_unix", 18u, 53u)]
    [InlineData("sockops", 13u, 3u)]
    [InlineData("cgroup/sysctl", 23u, 18u)]
    [InlineData("cgroup/getsockopt", 25u, 21u)]
    [InlineData("cgroup/setsockopt", 25u, 22u)]
    [InlineData("cgroup/dev", 15u, 6u)]
    public void Each_cgroup_section_loads_as_its_program_type_with_its_expected_attach_type(string name, uint programType, uint attachType)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal(AttachKind.Cgroup, section.Kind);
        Assert.Equal(programType, (uint)section.Type);
        Assert.Equal(attachType, (uint)section.ExpectedAttachType);
        Assert.True(section.IsSupported);
        Assert.False(section.NeedsTargetToLoad);
        Assert.Equal("", section.Target);
        Assert.Equal(0u, section.LoadFlags);
    }

    [Theory]
    [InlineData("cgroup_skb")]
    [InlineData("cgroup_skb/forward")]
    [InlineData("cgroup/connect")]
    [InlineData("cgroup/connect4/extra")]
    [InlineData("sockops/x")]
    [InlineData("cgroup")]
    public void Names_libbpf_does_not_give_a_cgroup_hook_are_not_loaded_as_one(string name)
    {
        var section = ProgramSection.Parse(name);
        Assert.NotEqual(AttachKind.Cgroup, section.Kind);
        Assert.False(section.IsSupported);
    }

    [Fact]
    public void The_unsupported_reason_names_the_section_and_what_Nectar_loads()
    {
        string reason = ProgramSection.Parse("cgroupx/skb").UnsupportedReason;
        Assert.Contains("'cgroupx/skb'", reason);
        Assert.Contains("libbpf 1.x", reason);
    }

    [Fact]
    public void Cgroup_skb_without_a_direction_attaches_at_ingress_as_libbpf_does()
    {
        // libbpf's cgroup/skb has no expected attach type; bpf_program__attach_cgroup then uses 0, BPF_CGROUP_INET_INGRESS.
        var section = ProgramSection.Parse("cgroup/skb");
        Assert.Equal((AttachKind.Cgroup, ProgramType.CgroupSkb, AttachType.CgroupInetIngress), (section.Kind, section.Type, section.ExpectedAttachType));
    }

    [Fact]
    public void Mountinfo_gives_the_cgroup2_mount_points_of_hierarchy_roots_only()
    {
        string[] lines =
        [
            "25 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
            "32 31 0:27 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 master:3 - cgroup2 cgroup2 rw",
            "50 31 0:38 /some/child /mnt/child rw,relatime - cgroup2 cgroup2 rw", // a bind mount of a sub-cgroup
            @"51 31 0:38 / /mnt/with\040space rw - cgroup2 none rw",
            "52 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw", // mounted twice at one place
            "garbage",
        ];
        Assert.Equal(["/sys/fs/cgroup/unified", "/mnt/with space"], Mounts.CgroupV2MountPointsIn(lines));
        Assert.Empty(Mounts.CgroupV2MountPointsIn(["32 31 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"]));
    }

    [Fact]
    public void The_cgroup_v2_line_of_proc_pid_cgroup_gives_the_path_under_the_mount()
    {
        Assert.Equal("/", CgroupV2.RelativePathIn(["4:memory:/x", "0::/"]));
        Assert.Equal("/user.slice/session-1.scope", CgroupV2.RelativePathIn(["0::/user.slice/session-1.scope"]));
        Assert.Null(CgroupV2.RelativePathIn(["4:memory:/x", "1:name=systemd:/"]));
    }

    [Theory]
    [InlineData("/nonexistent/nectar-cgroup", "does not exist")]
    [InlineData("/etc/hostname", "is not a directory")]
    [InlineData("/tmp", "is a directory but not of a cgroup v2 hierarchy")]
    [InlineData("", "an empty path")]
    public void A_path_that_is_not_a_cgroup_v2_directory_is_refused_naming_it_and_where_cgroup_v2_is(string path, string problem)
    {
        var error = Assert.Throws<NotACgroupException>(() => CgroupV2.Open(path).Dispose());
        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Message);
        Assert.Equal(Mounts.CgroupV2MountPoints(), error.CgroupV2MountPoints);
        Assert.Contains(error.CgroupV2MountPoints.Count > 0 ? $"cgroup v2 is mounted at {error.CgroupV2MountPoints[0]}" : "no cgroup v2 hierarchy is mounted here", error.Message);
    }

    [Fact]
    public void A_null_path_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => CgroupV2.Open(null!));
    }
}
