using System.Text.RegularExpressions;

namespace Nectar.Programs;

/// <summary>Reads the parts of a verifier log that explain a rejection.</summary>
internal static partial class VerifierLog
{
    /// <summary>The last few lines before the statistics ("processed N insns ..."), which hold the reason.</summary>
    internal static string Reason(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("processed ", StringComparison.Ordinal) && !l.StartsWith("verification time", StringComparison.Ordinal)
                        && !l.StartsWith("stack depth", StringComparison.Ordinal))
            .ToList();
        if (lines.Count == 0)
            return "(the verifier wrote no log)";
        return string.Join(" / ", lines.TakeLast(lines.Count > 1 && IsInstructionLine(lines[^1]) ? 1 : 2));
    }

    /// <summary>The index of the last instruction the log shows being checked ("12: (85) call ..."), if any.</summary>
    internal static int? FailingInstruction(string log)
    {
        int? last = null;
        foreach (Match match in InstructionLine().Matches(log))
            last = int.Parse(match.Groups[1].Value);
        return last;
    }

    private static bool IsInstructionLine(string line) => InstructionLine().IsMatch(line);

    [GeneratedRegex(@"^(\d+): \([0-9a-f]{2}\)", RegexOptions.Multiline)]
    private static partial Regex InstructionLine();
}
