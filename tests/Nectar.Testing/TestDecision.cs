namespace Nectar.Testing;

public enum TestOutcome
{
    /// <summary>Everything the test needs is here: it runs.</summary>
    Run,
    /// <summary>Something it needs is missing and nothing requires it: skipped, saying why.</summary>
    Skip,
    /// <summary>Something it needs is missing although CI requires it: it fails, saying why.</summary>
    Fail,
}

/// <summary>What becomes of a test on this machine, and why.</summary>
public sealed record TestDecision(TestOutcome Outcome, string Reason)
{
    public static readonly TestDecision Run = new(TestOutcome.Run, "");

    public static TestDecision Skip(string reason) => new(TestOutcome.Skip, reason);

    public static TestDecision Fail(string reason) => new(TestOutcome.Fail, reason);
}
