using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Tests.Programs;

/// <summary>
/// The network sections (xdp, tcx, tc, socket: whole names, as libbpf matches them), what they load
/// with, and the interface names XDP and tcx attach to. Section parsing is in BpfObjectSpecTests.
/// </summary>
public sealed class NetworkSectionTests
{
    [Fact]
    public void Attach_type_numbers_are_the_kernels()
    {
        // enum bpf_attach_type (include/uapi/linux/bpf.h, Linux 6.6+ for tcx).
        Assert.Equal((37u, 46u, 47u), ((uint)AttachType.Xdp, (uint)AttachType.TcxIngress, (uint)AttachType.TcxEgress));
        Assert.Equal((6u, 3u, 1u), ((uint)ProgramType.Xdp, (uint)ProgramType.SchedCls, (uint)ProgramType.SocketFilter));
    }

    [Theory]
    [InlineData("xdp.frags", 1u << 5)] // BPF_F_XDP_HAS_FRAGS
    [InlineData("xdp", 0u)]
    [InlineData("tcx/ingress", 0u)]
    [InlineData("socket", 0u)]
    [InlineData("uprobe.s/libc.so.6:malloc", 1u << 4)] // BPF_F_SLEEPABLE, as before
    public void Load_flags_follow_the_section(string name, uint flags)
    {
        Assert.Equal(flags, ProgramSection.Parse(name).LoadFlags);
    }

    [Theory]
    [InlineData("xdp")]
    [InlineData("tcx/egress")]
    [InlineData("classifier")]
    [InlineData("socket")]
    public void Network_sections_are_supported_and_need_no_target_to_load(string name)
    {
        var section = ProgramSection.Parse(name);
        Assert.True(section.IsSupported);
        Assert.False(section.NeedsTargetToLoad);
        Assert.Contains(name.Split('/')[0], section.UnsupportedReason);
    }

    [Fact]
    public void Loopback_resolves_by_name_and_by_index()
    {
        var byName = NetworkDevice.FromName("lo");
        Assert.True(byName.Index > 0);
        Assert.Equal(byName, NetworkDevice.FromIndex(byName.Index));
        Assert.Equal(File.ReadAllText("/sys/class/net/lo/ifindex").Trim(), byName.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("nectar-none0", "there is no network interface 'nectar-none0'")]
    [InlineData("", "is not a valid network interface name")]
    [InlineData("a-name-longer-than-15", "is not a valid network interface name")]
    [InlineData("../lo", "is not a valid network interface name")]
    [InlineData("l o", "is not a valid network interface name")]
    public void Unknown_or_invalid_names_are_typed_errors_listing_the_interfaces(string name, string problem)
    {
        var error = Assert.Throws<UnknownNetworkInterfaceException>(() => NetworkDevice.FromName(name));
        Assert.Equal(name, error.Interface);
        Assert.Contains(problem, error.Message);
        Assert.Contains("lo", error.Available);
        Assert.Contains("the interfaces here are: ", error.Message);
        Assert.Equal(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal), error.Available);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Unknown_indexes_are_typed_errors(int index)
    {
        var error = Assert.Throws<UnknownNetworkInterfaceException>(() => NetworkDevice.FromIndex(index));
        Assert.Contains($"no network interface with index {index}", error.Message);
        Assert.Contains("lo", error.Available);
    }

    [Fact]
    public void Null_name_is_an_argument_null_error()
    {
        Assert.Throws<ArgumentNullException>(() => NetworkDevice.FromName(null!));
    }
}
