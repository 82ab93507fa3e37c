using Nectar.Interop;

namespace Nectar.Programs;

/// <summary>
/// The verifier rejected a program. <see cref="Log"/> is its full log; the message gives its
/// last words and, where the object has line info, the C source line of the failing instruction.
/// </summary>
public sealed class BpfVerifierException : BpfException
{
    public BpfVerifierException(string program, string section, int errorNumber, string log, int? failingInstruction, string? sourceLine,
        string? failedRelocation = null)
        : base(Describe(program, section, errorNumber, log, failingInstruction, sourceLine, failedRelocation), errorNumber)
    {
        FailedRelocation = failedRelocation;
        Program = program;
        Log = log;
        FailingInstruction = failingInstruction;
        SourceLine = sourceLine;
    }

    public string Program { get; }

    /// <summary>The verifier's whole log (log_level 1).</summary>
    public string Log { get; }

    /// <summary>The instruction the verifier stopped at, as it numbers them, when the log says.</summary>
    public int? FailingInstruction { get; }

    /// <summary>"file.bpf.c:42: the source text" for the failing instruction, when the object has line info.</summary>
    public string? SourceLine { get; }

    /// <summary>
    /// When the verifier reached an instruction a CO-RE relocation poisoned: what the relocation
    /// could not find ("task_struct.foo: no such field in this kernel").
    /// </summary>
    public string? FailedRelocation { get; }

    /// <summary>The verifier's reason: the last non-empty lines of the log that are not statistics.</summary>
    public string Reason => VerifierLog.Reason(Log);

    private static string Describe(string program, string section, int errno, string log, int? instruction, string? sourceLine, string? relocation)
    {
        string at = sourceLine is not null ? $" at {sourceLine}" : instruction is { } i ? $" at instruction {i}" : "";
        string reason = relocation is not null
            ? $"it reached code whose CO-RE relocation failed ({relocation}); guard it with bpf_core_field_exists() or bpf_core_type_exists()"
            : VerifierLog.Reason(log);
        return $"The verifier rejected program '{program}' (section '{section}'){at}: {reason} " +
               $"({Libc.ErrorText(errno)}). The full log is in {nameof(BpfVerifierException)}.{nameof(Log)}.";
    }
}
