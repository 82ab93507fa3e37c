using System.Buffers.Binary;

namespace Nectar.Elf;

/// <summary>
/// The .BTF.ext section: per ELF section, func_info records (where each function starts, its
/// BTF FUNC id) and line_info records (instruction to file, line and column), offsets in bytes
/// from the start of the section. Record layouts are the kernel's bpf_func_info and bpf_line_info.
/// </summary>
public sealed class BtfExtSection
{
    private const ushort Magic = 0xEB9F;

    private BtfExtSection(IReadOnlyDictionary<string, IReadOnlyList<FuncInfo>> functions, IReadOnlyDictionary<string, IReadOnlyList<LineInfo>> lines,
        IReadOnlyDictionary<string, IReadOnlyList<CoreRelocationRecord>> coreRelocations)
    {
        Functions = functions;
        Lines = lines;
        CoreRelocations = coreRelocations;
    }

    /// <summary>func_info records by ELF section name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FuncInfo>> Functions { get; }

    /// <summary>line_info records by ELF section name, in instruction order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LineInfo>> Lines { get; }

    /// <summary>CO-RE relocation records (bpf_core_relo) by ELF section name; empty in objects without CO-RE.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CoreRelocationRecord>> CoreRelocations { get; }

    /// <param name="data">The section's bytes.</param>
    /// <param name="sectionName">Resolves a BTF string offset (the blocks name their ELF section that way).</param>
    public static BtfExtSection Parse(ReadOnlySpan<byte> data, Func<uint, string> sectionName)
    {
        if (data.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(data) != Magic)
            throw new ElfException($".BTF.ext: no 0x{Magic:x4} magic and 24-byte header at offset 0.");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (headerLength < 24 || headerLength > data.Length)
            throw new ElfException($".BTF.ext: header length {headerLength} at offset 4 does not fit the {data.Length}-byte section.");
        var body = data[(int)headerLength..];
        var functions = ReadBlocks(body, Field(data, 8), Field(data, 12), 8, sectionName, "func_info",
            r => new FuncInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..])));
        var lines = ReadBlocks(body, Field(data, 16), Field(data, 20), 16, sectionName, "line_info",
            r => new LineInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(r[8..]), BinaryPrimitives.ReadUInt32LittleEndian(r[12..])));
        // core_relo_off and core_relo_len follow when the header is long enough (clang 12+).
        var core = headerLength >= 32
            ? ReadBlocks(body, Field(data, 24), Field(data, 28), 16, sectionName, "core_relo",
                r => new CoreRelocationRecord(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(r[8..]), BinaryPrimitives.ReadUInt32LittleEndian(r[12..])))
            : new Dictionary<string, IReadOnlyList<CoreRelocationRecord>>();
        return new BtfExtSection(functions, lines, core);
    }

    private static uint Field(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);

    private delegate T RecordReader<T>(ReadOnlySpan<byte> record);

    /// <summary>A sub-section: u32 record size, then blocks of { u32 section name, u32 count, records }.</summary>
    private static Dictionary<string, IReadOnlyList<T>> ReadBlocks<T>(ReadOnlySpan<byte> body, uint offset, uint length, int minimumRecord,
        Func<uint, string> sectionName, string what, RecordReader<T> read)
    {
        var result = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        if (length == 0)
            return result;
        if (offset > body.Length || length > body.Length - offset || length < 4)
            throw new ElfException($".BTF.ext: {what} (offset {offset}, {length} bytes) lies outside the section.");
        var part = body.Slice((int)offset, (int)length);
        uint recordSize = BinaryPrimitives.ReadUInt32LittleEndian(part);
        if (recordSize < minimumRecord || recordSize > 1024)
            throw new ElfException($".BTF.ext: {what} record size {recordSize} is not one Nectar can read (at least {minimumRecord}).");
        int at = 4;
        while (at < part.Length)
        {
            if (part.Length - at < 8)
                throw new ElfException($".BTF.ext: {what} block at offset {offset + at} is truncated.");
            string section = sectionName(BinaryPrimitives.ReadUInt32LittleEndian(part[at..]));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(part[(at + 4)..]);
            at += 8;
            if (count > (uint)(part.Length - at) / recordSize)
                throw new ElfException($".BTF.ext: {what} block for '{section}' claims {count} records of {recordSize} bytes, more than the section holds.");
            var records = new List<T>((int)count);
            for (int i = 0; i < count; i++, at += (int)recordSize)
                records.Add(read(part.Slice(at, (int)recordSize)));
            result[section] = records;
        }
        return result;
    }
}

/// <summary>bpf_func_info: the function starting at byte <see cref="InstructionOffset"/> has BTF FUNC <see cref="TypeId"/>.</summary>
public readonly record struct FuncInfo(uint InstructionOffset, uint TypeId);

/// <summary>bpf_line_info: the instruction at byte <see cref="InstructionOffset"/> comes from this file, source line and column.</summary>
public readonly record struct LineInfo(uint InstructionOffset, uint FileNameOffset, uint LineOffset, uint LineColumn)
{
    public uint Line => LineColumn >> 10;
    public uint Column => LineColumn & 0x3FF;
}

/// <summary>
/// bpf_core_relo: the instruction at byte <see cref="InstructionOffset"/> depends on local BTF type
/// <see cref="TypeId"/>, reached through the access string at <see cref="AccessStringOffset"/>
/// ("0:1:2"), in the way <see cref="Kind"/> says (enum bpf_core_relo_kind).
/// </summary>
public readonly record struct CoreRelocationRecord(uint InstructionOffset, uint TypeId, uint AccessStringOffset, uint Kind);
