using Nectar.Output;

namespace Nectar.Tool;

/// <summary>Prints rows as left-aligned columns under a header, for the list verbs.</summary>
internal static class Table
{
    /// <summary>
    /// Writes the table to standard output with checked write(2) calls (<see cref="LineOutput"/>):
    /// a reader that went away (`| head`) ends it quietly, as Unix filters do; a failed output
    /// (a full disk) is an <see cref="IOException"/>. Not through Console, whose set-up (terminal
    /// state, a signal-handling thread) would be most of a list verb's start-up; and with plain
    /// loops, not Linq: in a native start-up every first call of a generic or interface method
    /// is resolved once, which Linq's iterators multiply (`nectar bench startup`).
    /// </summary>
    internal static void Print<T>(string[] header, IReadOnlyList<T> items, Func<T, string[]> row)
    {
        var rows = new string[items.Count + 1][];
        rows[0] = header;
        for (int i = 0; i < items.Count; i++)
            rows[i + 1] = row(items[i]);
        var widths = new int[header.Length];
        foreach (var cells in rows)
        {
            for (int column = 0; column < widths.Length; column++)
                widths[column] = Math.Max(widths[column], cells[column].Length);
        }
        using var output = LineOutput.StandardOutput();
        var line = new System.Text.StringBuilder();
        foreach (var cells in rows)
        {
            line.Clear();
            for (int column = 0; column < cells.Length; column++)
            {
                if (column > 0)
                    line.Append("  ");
                line.Append(cells[column]);
                if (column < cells.Length - 1)
                    line.Append(' ', widths[column] - cells[column].Length);
            }
            if (!output.TryWriteLine(line.ToString().TrimEnd()))
                break;
        }
        if (output.Failure is { } failure && !output.ReaderClosed)
            throw new IOException($"writing to {output.Name} failed: {failure}");
    }
}
