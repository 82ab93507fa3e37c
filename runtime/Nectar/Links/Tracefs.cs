using Nectar.Interop;

namespace Nectar.Links;

/// <summary>The tracing file system, where classic tracepoints get their ids. Mounted when absent.</summary>
internal static class Tracefs
{
    private static readonly string[] s_candidates = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

    /// <summary>The directory tracefs is mounted at, mounting it at /sys/kernel/tracing first if no mount has events/.</summary>
    public static string Root
    {
        get
        {
            foreach (var candidate in s_candidates)
            {
                if (Directory.Exists(Path.Combine(candidate, "events")))
                    return candidate;
            }
            Mounts.Ensure(s_candidates[0], "tracefs");
            return s_candidates[0];
        }
    }

    /// <summary>The perf id of tracepoint CATEGORY/NAME (events/CATEGORY/NAME/id).</summary>
    public static ulong TracepointId(string category, string name)
    {
        string path = Path.Combine(Root, "events", category, name, "id");
        if (!File.Exists(path))
            throw new ArgumentException($"There is no tracepoint '{category}/{name}' ({path} is missing); see {Root}/available_events for the names.");
        return ulong.Parse(File.ReadAllText(path).Trim());
    }
}
