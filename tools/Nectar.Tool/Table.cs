using Nectar.Output;

namespace Nectar.Tool;

/// <summary>Prints rows as left-aligned columns under a header, for the list verbs.</summary>
internal static class Table
{
    /// <summary>
    /// Writes the table to standard output with checked write(2) calls (<see cref="LineOutput"/>):
    /// a reader that went away (`| head`) ends it quietly, as Unix filters do; a failed output
    /// (a full disk) is an <see cref="IOException"/>. Not through Console, whose set-up (terminal
    /// state, a signal-handling thread) would be most of a list verb's start-up.
    /// </summary>
    internal static void Print(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        using var output = LineOutput.StandardOutput();
        foreach (var row in all)
        {
            if (!output.TryWriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()))
                break;
        }
        if (output.Failure is { } failure && !output.ReaderClosed)
            throw new IOException($"writing to {output.Name} failed: {failure}");
    }
}
