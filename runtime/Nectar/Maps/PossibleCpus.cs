namespace Nectar.Maps;

/// <summary>
/// The number of possible CPUs (/sys/devices/system/cpu/possible), which sizes per-CPU map values
/// and perf buffers. Not Environment.ProcessorCount: that is the online (or affinity) count.
/// </summary>
public static class PossibleCpus
{
    private static readonly Lazy<int> s_count = new(() => Parse(File.ReadAllText("/sys/devices/system/cpu/possible")));

    public static int Count => s_count.Value;

    /// <summary>Counts the CPUs in a kernel CPU list such as "0-3,5,7-8".</summary>
    public static int Parse(string list)
    {
        int count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-');
            if (dash < 0)
                count++;
            else
                count += int.Parse(part[(dash + 1)..]) - int.Parse(part[..dash]) + 1;
        }
        return count;
    }
}
