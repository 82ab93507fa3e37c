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
        // tracefs is root-only by default: an unreadable file is a privilege problem, not a missing tracepoint.
        string unreadable = $"reading {path}: classic tracepoints (tracepoint/ sections) need read access to tracefs, which only root has " +
            "unless it is mounted with a gid= of the application's group; raw_tp/ and tp_btf/ sections need no tracefs";
        try
        {
            if (!File.Exists(path))
            {
                _ = Directory.GetFileSystemEntries(Path.Combine(Root, "events")); // throws when the folder is not readable
                throw new ArgumentException($"There is no tracepoint '{category}/{name}' ({path} is missing); see {Root}/available_events for the names.");
            }
            return ulong.Parse(File.ReadAllText(path).Trim());
        }
        catch (UnauthorizedAccessException)
        {
            throw new BpfPermissionException(unreadable, Errno.EACCES);
        }
    }
}
