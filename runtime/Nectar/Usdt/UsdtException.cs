namespace Nectar.Usdt;

/// <summary>What is wrong with a USDT probe or the notes that describe it.</summary>
public enum UsdtProblem
{
    /// <summary>The section's or caller's "PATH:PROVIDER:NAME" does not parse.</summary>
    BadSyntax,
    /// <summary>The binary has no .note.stapsdt section: it was built without sys/sdt.h probes.</summary>
    NoNotes,
    /// <summary>The notes are truncated or inconsistent (a size past the section's end, a string without its NUL).</summary>
    CorruptNote,
    /// <summary>No note names that provider and probe.</summary>
    ProbeNotFound,
    /// <summary>An argument spec ("-4@%eax") that Nectar cannot read, or more arguments than usdt.bpf.h holds.</summary>
    BadArgument,
    /// <summary>A probe or semaphore address that no PT_LOAD segment of the binary maps.</summary>
    BadAddress,
    /// <summary>The object lacks usdt.bpf.h's maps, or they are full or of another layout.</summary>
    SpecMaps,
}

/// <summary>
/// A USDT probe cannot be attached: its target's notes are missing or corrupt, an argument spec
/// cannot be read, or the object cannot hold its specs. The message names the binary, the probe
/// and the fix.
/// </summary>
public sealed class UsdtException : ArgumentException
{
    public UsdtException(UsdtProblem problem, string message, Exception? inner = null) : base(message, inner)
    {
        Problem = problem;
    }

    public UsdtProblem Problem { get; }
}
