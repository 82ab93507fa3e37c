using System.Text;
using Nectar.Maps;

namespace Nectar.Tool;

/// <summary>
/// `--hist` of `nectar map dump` and `nectar map watch`: a map of log2 histograms (bcc's
/// <c>__u32 slots[N]</c> values, see <see cref="Log2Histogram"/>) printed as bcc's print_log2_hist
/// does, one histogram per key. A single-entry array prints its histogram alone; any other map
/// names each key (in hex) above its histogram and skips keys whose histogram is empty.
/// </summary>
internal static class MapHistogramPrinter
{
    public static string Render(BpfMap map, int? slots, string valueType)
    {
        var histograms = Log2Histogram.Read(map, slots);
        bool single = map.Type is MapType.Array or MapType.PerCpuArray && map.MaxEntries == 1;
        var text = new StringBuilder();
        int shown = 0;
        ulong total = 0;
        foreach (var (key, histogram) in histograms)
        {
            total += histogram.TotalCount;
            if (histogram.TotalCount == 0)
                continue;
            if (!single)
                text.Append("key: ").Append(string.Join(' ', key.Select(b => b.ToString("x2")))).Append('\n');
            text.Append(histogram.ToString(valueType));
            if (!single)
                text.Append('\n');
            shown++;
        }
        text.Append($"{shown} histogram(s), {total} value(s) counted.\n");
        return text.ToString();
    }
}
