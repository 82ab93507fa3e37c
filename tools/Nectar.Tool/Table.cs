namespace Nectar.Tool;

/// <summary>Prints rows as left-aligned columns under a header, for the list verbs.</summary>
internal static class Table
{
    internal static void Print(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
            Console.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
    }
}
