using System.Globalization;

namespace Nectar.Privileges;

/// <summary>What the current process may do with BPF, one feature a line, and why not where it may not.</summary>
/// <param name="Feature">What a program of this kind needs the privilege for.</param>
/// <param name="Works">Whether it works with the privileges this process has.</param>
/// <param name="Why">The privilege it needs and whether this process has it.</param>
internal sealed record PrivilegeLine(string Feature, bool Works, string Why);

/// <summary>The facts the analysis is made from (read by <see cref="PrivilegeFacts.OfCurrentProcess"/>, or given by a test).</summary>
/// <param name="EffectiveCapabilities">CapEff of /proc/self/status: bit N is capability N.</param>
/// <param name="TracefsIdReadable">Whether a classic tracepoint's events/.../id file can be read (null: no tracefs found).</param>
/// <param name="TracefsIdPath">The id file tried.</param>
internal sealed record PrivilegeFacts(ulong EffectiveCapabilities, bool? TracefsIdReadable, string? TracefsIdPath)
{
    public const int CapNetAdmin = 12;
    public const int CapSysAdmin = 21;
    public const int CapPerfmon = 38;
    public const int CapBpf = 39;

    public bool Has(int capability) => (EffectiveCapabilities & (1UL << capability)) != 0;

    /// <summary>Reads this process's effective capabilities and tries to read a tracepoint id from tracefs.</summary>
    public static PrivilegeFacts OfCurrentProcess()
    {
        ulong caps = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                caps = ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        string? id = new[] { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" }
            .Select(root => Path.Combine(root, "events/syscalls/sys_enter_openat/id"))
            .FirstOrDefault(File.Exists);
        bool? readable = null;
        if (id != null)
        {
            try
            {
                File.ReadAllText(id);
                readable = true;
            }
            catch (UnauthorizedAccessException)
            {
                readable = false;
            }
        }
        return new PrivilegeFacts(caps, readable, id);
    }
}

/// <summary>
/// Which kinds of BPF programs work with the current privileges, and how to grant the missing ones
/// to one application (never to dotnet itself, which would give them to every .NET program).
/// </summary>
internal static class PrivilegeReport
{
    /// <summary>One line per feature: loading, tracing attach points, classic tracepoints, network and cgroup programs.</summary>
    public static IReadOnlyList<PrivilegeLine> Analyze(PrivilegeFacts facts)
    {
        bool admin = facts.Has(PrivilegeFacts.CapSysAdmin);
        bool bpf = admin || facts.Has(PrivilegeFacts.CapBpf);
        bool perfmon = admin || facts.Has(PrivilegeFacts.CapPerfmon);
        bool netAdmin = admin || facts.Has(PrivilegeFacts.CapNetAdmin);
        string Has(string name, bool present) => name + (present ? " (have)" : " (missing)");

        bool tracefs = facts.TracefsIdReadable == true;
        string tracefsWhy = facts.TracefsIdReadable switch
        {
            true => $"read access to tracefs (have: {facts.TracefsIdPath})",
            false => $"read access to tracefs (missing: {facts.TracefsIdPath} is not readable; it is root-only unless tracefs is mounted with a gid= the app's group is in)",
            null => "tracefs (missing: mounted at neither /sys/kernel/tracing nor /sys/kernel/debug/tracing)",
        };
        return
        [
            new("load programs and maps", bpf, Has("CAP_BPF", bpf)),
            new("raw_tp, tp_btf, fentry/fexit, kprobe, uprobe, perf_event", bpf && perfmon, Has("CAP_BPF", bpf) + " + " + Has("CAP_PERFMON", perfmon)),
            new("tracepoint/ (classic tracepoints)", bpf && perfmon && tracefs, Has("CAP_BPF", bpf) + " + " + Has("CAP_PERFMON", perfmon) + " + " + tracefsWhy),
            new("xdp, tcx, tc, socket filters, cgroup programs", bpf && netAdmin, Has("CAP_BPF", bpf) + " + " + Has("CAP_NET_ADMIN", netAdmin)),
        ];
    }

    /// <summary>How to give one application the capabilities (for the lines that do not work).</summary>
    public static IReadOnlyList<string> HowToGrant(IReadOnlyList<PrivilegeLine> lines)
    {
        if (lines.All(l => l.Works)) return [];
        var caps = new List<string> { "cap_bpf", "cap_perfmon" };
        if (lines.Any(l => !l.Works && l.Why.Contains("CAP_NET_ADMIN (missing)", StringComparison.Ordinal))) caps.Add("cap_net_admin");
        string setcap = string.Join(',', caps);
        string ambient = string.Join(' ', caps.Select(c => c.ToUpperInvariant()));
        var advice = new List<string>
        {
            "Grant the capabilities to your application only, never to dotnet (that would give BPF to every .NET program, and on most distributions `which dotnet` is a symlink setcap refuses):",
            "  - publish it as one native binary and set them on that file:",
            "      dotnet publish -c Release -r linux-x64 -p:PublishAot=true",
            $"      sudo setcap {setcap}+ep bin/Release/net10.0/linux-x64/publish/APP",
            $"  - or run it as a systemd service with AmbientCapabilities={ambient} (and CapabilityBoundingSet= the same).",
        };
        if (lines.Any(l => !l.Works && l.Why.Contains("tracefs (missing", StringComparison.Ordinal) || l.Why.Contains("read access to tracefs (missing", StringComparison.Ordinal)))
            advice.Add("  - classic tracepoints also read tracefs: mount it with a group the app is in (mount -o remount,gid=GROUP,mode=750 /sys/kernel/tracing), " +
                       "or use raw_tp/ or tp_btf/ sections, which need no tracefs.");
        return advice;
    }
}
