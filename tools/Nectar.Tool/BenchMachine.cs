using System.Globalization;
using System.Runtime.InteropServices;

namespace Nectar.Tool;

/// <summary>
/// What every `nectar bench` prints beside its figures: the machine, the kernel and the load
/// (figures from a busy machine are noise; the load average says how busy), the summary
/// statistics (median and minimum), and the CPU time of the calling thread, which unlike wall
/// time is not inflated by other processes taking the CPU.
/// </summary>
internal static partial class BenchMachine
{
    /// <summary>One line: CPU model and count, kernel release, load averages.</summary>
    internal static string Describe()
    {
        string model = "unknown CPU";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
                ? line[(line.IndexOf(':') + 1)..].Trim()
                : model;
        }
        catch (IOException)
        {
        }
        return $"machine: {model}, {Environment.ProcessorCount} CPUs; kernel {KernelRelease()}; {LoadAverage()}";
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    internal static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }

    private static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return Environment.OSVersion.VersionString;
        }
    }

    /// <summary>Median and minimum of <paramref name="values"/>, formatted with <paramref name="format"/>.</summary>
    internal static string MedianMin(IReadOnlyCollection<double> values, string format, string unit)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return "no runs";
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return $"median {F(Median(sorted))}{unit}, min {F(sorted[0])}{unit}, max {F(sorted[^1])}{unit} over {sorted.Length} runs";
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static unsafe partial int ClockGetTime(int clock, long* timespec);

    /// <summary>CPU time (user and system) the calling thread has used, in seconds.</summary>
    internal static unsafe double ThreadCpuSeconds()
    {
        long* ts = stackalloc long[2];
        return ClockGetTime(ClockThreadCpuTime, ts) == 0 ? ts[0] + ts[1] / 1e9 : double.NaN;
    }
}
