using System.CommandLine;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar map dump ID`: every key and value of a map in the kernel, in hex, one entry a line (as
/// `bpftool map dump id ID` shows them); with `--hist`, the values as log2 histograms, printed as
/// bcc's print_log2_hist does (<see cref="MapHistogramPrinter"/>). Exit codes: 0 dumped; 1 no such
/// map, a map kind that has no entries to iterate (ring buffers, perf event arrays), or values that
/// are not histograms; 77 BPF not usable here.
/// </summary>
internal static class MapDumpCommand
{
    internal static Command Create()
    {
        var id = new Argument<uint>("id") { Description = "The map's kernel id (nectar map list shows them)." };
        var hist = HistogramOption();
        var slots = SlotsOption();
        var valueType = ValueTypeOption();
        var command = new Command("dump", "Print every key and value of a map in the kernel, in hex, or (--hist) as log2 histograms.") { id, hist, slots, valueType };
        command.SetAction(result => Run(result.GetValue(id), result.GetValue(hist), result.GetValue(slots), result.GetValue(valueType)!));
        return command;
    }

    internal static Option<bool> HistogramOption() => new("--hist")
    {
        Description = "Print the values as log2 histograms (bcc's __u32 slots[N]: slot i counts 2^i to 2^(i+1)-1), one per key, as bcc's print_log2_hist does.",
    };

    internal static Option<int?> SlotsOption() => new Option<int?>("--slots")
    {
        Description = "With --hist: how many __u32 slots start each value (default: the whole value), for structs with more after the slots.",
    }.Require(n => n is >= 1 and <= Log2Histogram.MaxSlots, $"must be 1 to {Log2Histogram.MaxSlots}");

    internal static Option<string> ValueTypeOption() => new("--value-type")
    {
        Description = "With --hist: what the values are, for the header (usecs, bytes, argc, ...).",
        DefaultValueFactory = _ => "value",
    };

    private static int Run(uint id, bool hist, int? slots, string valueType)
    {
        if (KernelSupport.WhyUnavailable is { } reason)
            return Fail(77, reason);
        using var map = OpenEntriesMap(id, "dump", out int failure);
        if (map is null)
            return failure;
        if (hist)
        {
            try
            {
                Console.Write(MapHistogramPrinter.Render(map, slots, valueType));
                return 0;
            }
            catch (ArgumentException e)
            {
                return Fail(1, $"map {id}: {e.Message}");
            }
        }

        Console.Write(RenderEntries(map));
        return 0;
    }

    /// <summary>Every entry as "key: .. value: .." lines in hex, then the count.</summary>
    internal static string RenderEntries(BpfMap map)
    {
        int valueBytes = map.IsPerCpu ? (int)((map.ValueSize + 7) & ~7u) * PossibleCpus.Count : (int)map.ValueSize;
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[valueBytes];
        var text = new System.Text.StringBuilder();
        int count = 0;
        bool more = map.TryGetNextKey(ReadOnlySpan<byte>.Empty, next);
        while (more)
        {
            next.CopyTo(key, 0);
            if (map.TryLookup(key, value))
            {
                text.Append($"key: {Hex(key)}  value: {Hex(value)}\n");
                count++;
            }
            more = map.TryGetNextKey(key, next);
        }
        text.Append($"Found {count} element(s).\n");
        return text.ToString();
    }

    /// <summary>Opens map <paramref name="id"/> when it holds entries; else prints why (exit code in <paramref name="failure"/>) and returns null.</summary>
    internal static BpfMap? OpenEntriesMap(uint id, string verb, out int failure)
    {
        failure = 1;
        var map = KernelObjects.OpenMap(id);
        if (map is null)
        {
            Console.Error.WriteLine($"nectar map {verb}: there is no map with id {id} (nectar map list shows them).");
            return null;
        }
        if (map.Type is MapType.RingBuf or MapType.PerfEventArray)
        {
            Console.Error.WriteLine($"nectar map {verb}: map {id} '{map.Name}' is a {map.Type}: it streams records instead of holding entries; read it with nectar trace OBJ.");
            map.Dispose();
            return null;
        }
        return map;
    }

    private static string Hex(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("x2")));

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"nectar map dump: {message}");
        return exitCode;
    }
}
