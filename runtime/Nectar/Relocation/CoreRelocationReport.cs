using System.Globalization;
using System.Text.RegularExpressions;

namespace Nectar.Relocation;

/// <summary>What became of one relocation.</summary>
public enum CoreRelocationOutcome
{
    /// <summary>The instruction now holds this kernel's value.</summary>
    Patched,
    /// <summary>No value exists in this kernel; the instruction is poisoned and must be dead code.</summary>
    Poisoned,
}

/// <summary>
/// One applied relocation: where (the instruction's index in the span given to
/// <see cref="CoreRelocator.Apply(Span{byte}, int, IReadOnlyList{CoreRelocation})"/>), what it accesses in C
/// terms ("task_struct.real_parent"), the value the instruction held and the one it holds now,
/// and for a poisoned one why.
/// </summary>
public sealed record CoreRelocationResult(int InstructionIndex, CoreRelocation Relocation, string Access,
    CoreRelocationOutcome Outcome, ulong OriginalValue, ulong NewValue, string? Reason)
{
    /// <summary>True when the instruction is a 64-bit immediate load, which occupies two slots.</summary>
    public bool IsWide { get; init; }

    public override string ToString() => Outcome == CoreRelocationOutcome.Patched
        ? $"#{InstructionIndex} {Relocation.Kind} {Access}: {OriginalValue} -> {NewValue}"
        : $"#{InstructionIndex} {Relocation.Kind} {Access}: poisoned ({Reason})";
}

/// <summary>
/// The relocations applied to a span of instructions, and the words for a verifier log that
/// reached a poisoned one.
/// </summary>
public sealed partial class CoreRelocationReport(IReadOnlyList<CoreRelocationResult> results)
{
    public IReadOnlyList<CoreRelocationResult> Results { get; } = results;

    public IEnumerable<CoreRelocationResult> Poisoned => Results.Where(r => r.Outcome == CoreRelocationOutcome.Poisoned);

    /// <summary>"task_struct.foo: no such field in this kernel" for a poisoned instruction, else null.</summary>
    public string? DescribePoisonedInstruction(int instructionIndex)
    {
        foreach (var result in Results)
            if (result.Outcome == CoreRelocationOutcome.Poisoned &&
                (result.InstructionIndex == instructionIndex || (result.InstructionIndex + 1 == instructionIndex && result.IsWide)))
                return $"{result.Access}: {result.Reason}";
        return null;
    }

    /// <summary>
    /// When the verifier rejected the program because it reached a poisoned instruction, the
    /// relocation that failed, in words; null when the log is about something else. The verifier
    /// numbers instructions from the program's start: <paramref name="firstInstructionIndex"/> is
    /// where this report's span starts in the loaded program.
    /// </summary>
    public string? ExplainVerifierLog(string log, int firstInstructionIndex = 0)
    {
        if (FindPoisonedInstruction(log) is not { } index)
            return null;
        return DescribePoisonedInstruction(index - firstInstructionIndex) is { } words
            ? $"instruction {index}: CO-RE relocation failed: {words}"
            : null;
    }

    /// <summary>
    /// The index of the poisoned instruction a verifier log stops at ("12: (85) call unknown#195896080"
    /// followed by "invalid func unknown#195896080"), or null when the log does not end there.
    /// </summary>
    public static int? FindPoisonedInstruction(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string marker = "invalid func unknown#" + CoreInstructionPatcher.PoisonHelperId.ToString(CultureInfo.InvariantCulture);
        int end = log.LastIndexOf(marker, StringComparison.Ordinal);
        if (end < 0)
            return null;
        int? index = null;
        foreach (Match match in PoisonedCallLine().Matches(log.Substring(0, end)))
            index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return index;
    }

    [GeneratedRegex(@"(?m)^(\d+): \(85\) call unknown#195896080")]
    private static partial Regex PoisonedCallLine();
}
