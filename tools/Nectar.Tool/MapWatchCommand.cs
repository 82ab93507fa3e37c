using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Nectar.Interop;

namespace Nectar.Tool;

/// <summary>
/// `nectar map watch ID [--hist] [--interval 1s] [--count N]`: reads a map in the kernel every
/// interval and redraws it (the screen is cleared when standard output is a terminal; otherwise
/// frames follow each other, each under its header line), as `map dump` prints it. The counts are
/// the map's totals at each read (the map is never cleared). Until Ctrl-C, or --count frames.
/// Exit codes as `map dump`.
/// </summary>
internal static partial class MapWatchCommand
{
    private const string ClearScreen = "\u001b[H\u001b[2J";

    internal static Command Create()
    {
        var id = new Argument<uint>("id") { Description = "The map's kernel id (nectar map list shows them)." };
        var hist = MapDumpCommand.HistogramOption();
        var slots = MapDumpCommand.SlotsOption();
        var valueType = MapDumpCommand.ValueTypeOption();
        var interval = new Option<string>("--interval")
        {
            Description = "Time between reads: 1s, 500ms, 2m (100ms to 1h).",
            DefaultValueFactory = _ => "1s",
        }.Require(text => TryParseInterval(text, out _), "must be a duration from 100ms to 1h, such as 1s, 500ms or 2m");
        var count = new Option<int?>("--count")
        {
            Description = "Stop after this many frames (default: until Ctrl-C).",
        }.Require(n => n >= 1, "must be 1 or more");
        var command = new Command("watch", "Redraw a map in the kernel every interval: its entries in hex, or (--hist) its log2 histograms.") { id, hist, slots, valueType, interval, count };
        command.SetAction((result, cancel) => RunAsync(result.GetValue(id), result.GetValue(hist), result.GetValue(slots), result.GetValue(valueType)!,
            ParseInterval(result.GetValue(interval)!), result.GetValue(count), cancel));
        return command;
    }

    private static async Task<int> RunAsync(uint id, bool hist, int? slots, string valueType, TimeSpan interval, int? frames, CancellationToken cancel)
    {
        if (KernelSupport.WhyUnavailable is { } reason)
        {
            Console.Error.WriteLine($"nectar map watch: {reason}");
            return 77;
        }
        using var map = MapDumpCommand.OpenEntriesMap(id, "watch", out int failure);
        if (map is null)
            return failure;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
        bool terminal = !Console.IsOutputRedirected;
        for (int frame = 1; ; frame++)
        {
            string body;
            try
            {
                body = hist ? MapHistogramPrinter.Render(map, slots, valueType) : MapDumpCommand.RenderEntries(map);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"nectar map watch: map {id}: {e.Message}");
                return 1;
            }
            string header = $"map {id} '{map.Name}' at {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC, every {Format(interval)}{(terminal ? " (Ctrl-C to stop)" : "")}\n";
            Console.Write((terminal ? ClearScreen : "") + header + body);
            if (frame == frames)
                return 0;
            try
            {
                await Task.Delay(interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        }
    }

    internal static bool TryParseInterval(string text, out TimeSpan interval)
    {
        interval = default;
        var match = IntervalPattern().Match(text ?? "");
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount))
            return false;
        double milliseconds = match.Groups[2].Value switch
        {
            "ms" => amount,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => amount * 1000, // "s" or no unit
        };
        if (milliseconds is < 100 or > 3_600_000)
            return false;
        interval = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    private static TimeSpan ParseInterval(string text) => TryParseInterval(text, out var interval) ? interval : TimeSpan.FromSeconds(1);

    private static string Format(TimeSpan interval) => interval.TotalMilliseconds % 1000 == 0
        ? $"{interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")]
    private static partial Regex IntervalPattern();
}
