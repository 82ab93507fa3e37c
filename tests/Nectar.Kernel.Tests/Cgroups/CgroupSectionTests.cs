using System.Text.Json;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>
/// Every cgroup section loads with its expected attach type and attaches at its hook, as bpftool,
/// the oracle, reports it: bpf/cgroup_sections.bpf.c has one allow-everything program per section,
/// attached to a cgroup of the test's own under the cgroup v2 mount, removed in finally.
/// </summary>
public class CgroupSectionTests
{
    /// <summary>Each program of bpf/cgroup_sections and the attach type bpftool names for its section.</summary>
    public static readonly Dictionary<string, string> BpftoolAttachTypes = new()
    {
        ["allow_skb_ingress"] = "cgroup_inet_ingress",
        ["allow_skb_egress"] = "cgroup_inet_egress",
        ["allow_sock_create"] = "cgroup_inet_sock_create",
        ["allow_sock_release"] = "cgroup_inet_sock_release",
        ["allow_post_bind4"] = "cgroup_inet4_post_bind",
        ["allow_post_bind6"] = "cgroup_inet6_post_bind",
        ["allow_bind4"] = "cgroup_inet4_bind",
        ["allow_bind6"] = "cgroup_inet6_bind",
        ["allow_connect4"] = "cgroup_inet4_connect",
        ["allow_connect6"] = "cgroup_inet6_connect",
        ["allow_sendmsg4"] = "cgroup_udp4_sendmsg",
        ["allow_sendmsg6"] = "cgroup_udp6_sendmsg",
        ["allow_recvmsg4"] = "cgroup_udp4_recvmsg",
        ["allow_recvmsg6"] = "cgroup_udp6_recvmsg",
        ["allow_getpeername4"] = "cgroup_inet4_getpeername",
        ["allow_getpeername6"] = "cgroup_inet6_getpeername",
        ["allow_getsockname4"] = "cgroup_inet4_getsockname",
        ["allow_getsockname6"] = "cgroup_inet6_getsockname",
        ["allow_sockops"] = "cgroup_sock_ops",
        ["allow_sysctl"] = "cgroup_sysctl",
        ["allow_getsockopt"] = "cgroup_getsockopt",
        ["allow_setsockopt"] = "cgroup_setsockopt",
        ["allow_dev"] = "cgroup_device",
    };

    [KernelFact(Attach = [AttachKind.Cgroup], Tools = Oracle.Bpftool)]
    public void Bpftool_shows_every_section_attached_at_its_hook_while_attached_and_nothing_after()
    {
        using var cgroup = new TestCgroup();
        using var obj = BpfObject.Load(BpfObjects.PathOf("cgroup_sections"));
        Assert.Equal(BpftoolAttachTypes.Keys.Order(), obj.Programs.Values.Select(p => p.Name).Order());
        var expected = obj.Programs.Values.ToDictionary(p => p.Id, p => BpftoolAttachTypes[p.Name]);

        var links = new List<BpfLink>();
        try
        {
            foreach (var program in obj.Programs.Values)
                links.Add(program.AttachCgroup(cgroup.Path));

            var shown = BpftoolCgroupShow(cgroup.Path);
            Assert.Equal(expected, shown.ToDictionary(e => e.GetProperty("id").GetUInt32(), e => e.GetProperty("attach_type").GetString()!));

            using var listed = JsonDocument.Parse(Bpftool.Run("-j", "link", "list"));
            var linkTypes = listed.RootElement.EnumerateArray().Where(l => expected.ContainsKey(l.GetProperty("prog_id").GetUInt32()))
                .Select(l => l.GetProperty("type").GetString()).ToList();
            Assert.Equal(expected.Count, linkTypes.Count);
            Assert.All(linkTypes, type => Assert.Equal("cgroup", type));
        }
        finally
        {
            links.ForEach(l => l.Dispose());
        }

        Assert.Empty(BpftoolCgroupShow(cgroup.Path));
    }

    [KernelFact(Attach = [AttachKind.Cgroup], Tools = Oracle.Bpftool)]
    public void Bpftool_lists_a_link_on_this_process_cgroup_only_while_it_is_open()
    {
        using var obj = CgroupCounter.Load(port: 9);
        uint id = obj.Programs["count_connect4"].Id;
        using (obj.Programs["count_connect4"].AttachCgroup(CgroupV2.OfCurrentProcess))
        {
            var mine = Assert.Single(BpftoolCgroupShow(CgroupV2.OfCurrentProcess), e => e.GetProperty("id").GetUInt32() == id);
            Assert.Equal("cgroup_inet4_connect", mine.GetProperty("attach_type").GetString());
            Assert.Equal("count_connect4", mine.GetProperty("name").GetString());
        }
        Assert.DoesNotContain(BpftoolCgroupShow(CgroupV2.OfCurrentProcess), e => e.GetProperty("id").GetUInt32() == id);
    }

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void Nectar_prog_load_loads_every_cgroup_section()
    {
        var result = NectarCli.Run("prog", "load", BpfObjects.PathOf("cgroup_sections"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using var obj = BpfObject.Load(BpfObjects.PathOf("cgroup_sections"));
        foreach (var program in obj.Programs.Values)
            Assert.Matches(@"ok\s+" + program.Name + @" \(" + program.Section.Name + @"\): id \d+", result.Output);
        Assert.Contains($"{BpftoolAttachTypes.Count} of {BpftoolAttachTypes.Count} program(s)", result.Output);
    }

    private static List<JsonElement> BpftoolCgroupShow(string path)
    {
        string output = Bpftool.Run("-j", "cgroup", "show", path);
        if (string.IsNullOrWhiteSpace(output))
            return [];
        using var shown = JsonDocument.Parse(output);
        return shown.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
