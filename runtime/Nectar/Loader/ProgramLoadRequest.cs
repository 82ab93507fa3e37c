namespace Nectar.Programs;

/// <summary>Everything BPF_PROG_LOAD needs beyond the instructions: BTF, func and line info, the attach target.</summary>
internal sealed record ProgramLoadRequest(ProgramSpec Spec, BpfInstruction[] Instructions)
{
    public int BtfFd { get; init; }
    public byte[]? FuncInfo { get; init; }
    public int FuncInfoCount { get; init; }
    public byte[]? LineInfo { get; init; }
    public int LineInfoCount { get; init; }
    public uint AttachBtfId { get; init; }
    public uint KernelVersion { get; init; }

    /// <summary>Maps an instruction index to its C source line (from line_info), for verifier errors.</summary>
    public Func<int, string?>? SourceLineOf { get; init; }

    /// <summary>Instructions poisoned by CO-RE relocations nothing in this kernel satisfied, with why.</summary>
    public IReadOnlyDictionary<int, string>? Poisoned { get; init; }
}
