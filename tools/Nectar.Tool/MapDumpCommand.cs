using System.CommandLine;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar map dump ID`: every key and value of a map in the kernel, in hex, one entry a line (as
/// `bpftool map dump id ID` shows them). Exit codes: 0 dumped; 1 no such map, or a map kind that
/// has no entries to iterate (ring buffers, perf event arrays); 77 BPF not usable here.
/// </summary>
internal static class MapDumpCommand
{
    internal static Command Create()
    {
        var id = new Argument<uint>("id") { Description = "The map's kernel id (nectar map list shows them)." };
        var command = new Command("dump", "Print every key and value of a map in the kernel, in hex.") { id };
        command.SetAction(result => Run(result.GetValue(id)));
        return command;
    }

    private static int Run(uint id)
    {
        if (KernelSupport.WhyUnavailable is { } reason)
            return Fail(77, reason);
        using var map = KernelObjects.OpenMap(id);
        if (map is null)
            return Fail(1, $"there is no map with id {id} (nectar map list shows them).");
        if (map.Type is MapType.RingBuf or MapType.PerfEventArray)
            return Fail(1, $"map {id} '{map.Name}' is a {map.Type}: it streams records instead of holding entries; read it with nectar trace OBJ.");

        int valueBytes = map.IsPerCpu ? (int)((map.ValueSize + 7) & ~7u) * PossibleCpus.Count : (int)map.ValueSize;
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[valueBytes];
        int count = 0;
        bool more = map.TryGetNextKey(ReadOnlySpan<byte>.Empty, next);
        while (more)
        {
            next.CopyTo(key, 0);
            if (map.TryLookup(key, value))
            {
                Console.WriteLine($"key: {Hex(key)}  value: {Hex(value)}");
                count++;
            }
            more = map.TryGetNextKey(key, next);
        }
        Console.WriteLine($"Found {count} element(s).");
        return 0;
    }

    private static string Hex(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("x2")));

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"nectar map dump: {message}");
        return exitCode;
    }
}
