namespace Nectar.Links;

/// <summary>
/// The CPUs that are online now (/sys/devices/system/cpu/online), where per-CPU perf events can
/// be opened (an offline CPU refuses them with ENODEV). Read on each call: CPUs can go on and off line.
/// </summary>
internal static class OnlineCpus
{
    private const string Path = "/sys/devices/system/cpu/online";

    public static IReadOnlyList<int> Read() => Parse(File.ReadAllText(Path));

    /// <summary>The CPU numbers in a kernel CPU list such as "0-3,5,7-8", in order.</summary>
    public static IReadOnlyList<int> Parse(string list)
    {
        var cpus = new List<int>();
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-');
            int first = int.Parse(dash < 0 ? part : part[..dash]);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..]);
            if (last < first)
                throw new FormatException($"'{part}' in the CPU list '{list.Trim()}' is not a range FIRST-LAST.");
            for (int cpu = first; cpu <= last; cpu++)
                cpus.Add(cpu);
        }
        return cpus;
    }
}
