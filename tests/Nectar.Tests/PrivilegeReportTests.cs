using Nectar.Privileges;

namespace Nectar.Tests;

/// <summary>
/// What works with which privileges: CAP_BPF alone loads but attaches nothing; with CAP_PERFMON the
/// tracing attach points work, and classic tracepoints only when tracefs is readable too; the advice
/// grants to one application (setcap on a published binary, systemd AmbientCapabilities=), never dotnet.
/// </summary>
public class PrivilegeReportTests
{
    private static ulong Caps(params int[] capabilities) => capabilities.Aggregate(0UL, (mask, c) => mask | (1UL << c));

    private static PrivilegeLine Line(IReadOnlyList<PrivilegeLine> lines, string feature) => Assert.Single(lines, l => l.Feature.StartsWith(feature, StringComparison.Ordinal));

    [Fact]
    public void Bpf_and_perfmon_without_tracefs_access_attach_everything_but_classic_tracepoints()
    {
        var facts = new PrivilegeFacts(Caps(PrivilegeFacts.CapBpf, PrivilegeFacts.CapPerfmon), TracefsIdReadable: false, "/sys/kernel/tracing/events/syscalls/sys_enter_openat/id");
        var lines = PrivilegeReport.Analyze(facts);

        Assert.True(Line(lines, "load programs").Works);
        Assert.True(Line(lines, "raw_tp").Works);
        var classic = Line(lines, "tracepoint/");
        Assert.False(classic.Works);
        Assert.Contains("/sys/kernel/tracing/events/syscalls/sys_enter_openat/id is not readable", classic.Why);
        Assert.False(Line(lines, "xdp").Works);

        string advice = string.Join('\n', PrivilegeReport.HowToGrant(lines));
        Assert.Contains("setcap cap_bpf,cap_perfmon,cap_net_admin+ep bin/Release/net10.0/linux-x64/publish/APP", advice);
        Assert.Contains("AmbientCapabilities=CAP_BPF CAP_PERFMON CAP_NET_ADMIN", advice);
        Assert.Contains("gid=", advice);
        Assert.Contains("never to dotnet", advice);
        Assert.DoesNotContain("$(which dotnet)", advice);
    }

    [Fact]
    public void Bpf_alone_loads_but_attaches_nothing()
    {
        var lines = PrivilegeReport.Analyze(new PrivilegeFacts(Caps(PrivilegeFacts.CapBpf), TracefsIdReadable: true, "/sys/kernel/tracing/events/syscalls/sys_enter_openat/id"));
        Assert.True(Line(lines, "load programs").Works);
        Assert.False(Line(lines, "raw_tp").Works);
        Assert.Contains("CAP_PERFMON (missing)", Line(lines, "raw_tp").Why);
        Assert.False(Line(lines, "tracepoint/").Works);
    }

    [Fact]
    public void Sys_admin_with_readable_tracefs_works_for_everything_and_needs_no_advice()
    {
        var lines = PrivilegeReport.Analyze(new PrivilegeFacts(Caps(PrivilegeFacts.CapSysAdmin), TracefsIdReadable: true, "/sys/kernel/tracing/events/syscalls/sys_enter_openat/id"));
        Assert.All(lines, l => Assert.True(l.Works, l.Feature));
        Assert.Empty(PrivilegeReport.HowToGrant(lines));
    }

    [Fact]
    public void No_tracefs_says_where_it_was_looked_for()
    {
        var lines = PrivilegeReport.Analyze(new PrivilegeFacts(Caps(PrivilegeFacts.CapBpf, PrivilegeFacts.CapPerfmon, PrivilegeFacts.CapNetAdmin), TracefsIdReadable: null, null));
        var classic = Line(lines, "tracepoint/");
        Assert.False(classic.Works);
        Assert.Contains("/sys/kernel/tracing", classic.Why);
        Assert.DoesNotContain("cap_net_admin", string.Join('\n', PrivilegeReport.HowToGrant(lines)));
    }

    [Fact]
    public void The_current_process_facts_are_read_from_proc()
    {
        var facts = PrivilegeFacts.OfCurrentProcess();
        ulong fromProc = Convert.ToUInt64(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))[7..].Trim(), 16);
        Assert.Equal(fromProc, facts.EffectiveCapabilities);
        if (facts.TracefsIdPath != null) Assert.NotNull(facts.TracefsIdReadable);
    }
}
