namespace Nectar.Interop;

/// <summary>
/// What BPF_PROG_LOAD takes, apart from the log: the instructions as bytes (8 per instruction),
/// and func_info / line_info records (8 and 16 bytes each) that count only with a BTF fd.
/// </summary>
internal readonly ref struct ProgLoadArguments
{
    public required string Name { get; init; }
    public required uint Type { get; init; }
    public required ReadOnlySpan<byte> Instructions { get; init; }
    public required string License { get; init; }
    public uint KernelVersion { get; init; }
    public uint Flags { get; init; }
    public uint ExpectedAttachType { get; init; }
    public uint AttachBtfId { get; init; }
    public int BtfFd { get; init; }
    public ReadOnlySpan<byte> FuncInfo { get; init; }
    public int FuncInfoCount { get; init; }
    public ReadOnlySpan<byte> LineInfo { get; init; }
    public int LineInfoCount { get; init; }
}

// The program commands.
internal static unsafe partial class Bpf
{
    private const uint FuncInfoRecordSize = 8;
    private const uint LineInfoRecordSize = 16;
    private const int InstructionSize = 8;

    /// <summary>
    /// BPF_PROG_LOAD with the verifier log at <paramref name="logLevel"/> into <paramref name="log"/>
    /// (empty: no log). Returns the program's fd, or -1 with <paramref name="errno"/>.
    /// </summary>
    internal static int TryProgLoad(in ProgLoadArguments program, uint logLevel, Span<byte> log, out int errno)
    {
        byte[] license = CString.Encode(program.License);
        fixed (byte* instructions = program.Instructions)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        fixed (byte* funcInfo = program.FuncInfo)
        fixed (byte* lineInfo = program.LineInfo)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = program.Type,
                InstructionCount = (uint)(program.Instructions.Length / InstructionSize),
                Instructions = (ulong)instructions,
                License = (ulong)licensePointer,
                LogLevel = logLevel,
                LogSize = (uint)log.Length,
                LogBuffer = log.Length == 0 ? 0 : (ulong)logPointer,
                KernelVersion = program.KernelVersion,
                ProgFlags = program.Flags,
                ExpectedAttachType = program.ExpectedAttachType,
                AttachBtfId = program.AttachBtfId,
            };
            if (program.BtfFd > 0)
            {
                attr.ProgBtfFd = (uint)program.BtfFd;
                if (program.FuncInfoCount > 0)
                {
                    attr.FuncInfoRecordSize = FuncInfoRecordSize;
                    attr.FuncInfo = (ulong)funcInfo;
                    attr.FuncInfoCount = (uint)program.FuncInfoCount;
                }
                if (program.LineInfoCount > 0)
                {
                    attr.LineInfoRecordSize = LineInfoRecordSize;
                    attr.LineInfo = (ulong)lineInfo;
                    attr.LineInfoCount = (uint)program.LineInfoCount;
                }
            }
            BpfName.Write(attr.ProgName, program.Name);
            return TryCall(BpfCommand.ProgLoad, ref attr, out errno);
        }
    }
}
