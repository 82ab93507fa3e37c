using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Nectar.Btf;

/// <summary>
/// A BPF object's .BTF.ext section: per-ELF-section lists of function info, line info and CO-RE
/// relocation records, all keyed by instruction byte offsets within their section. One reader
/// for the three parts, so the loader (func/line info) and the CO-RE relocator share it.
/// Section names and access strings are offsets into the object's .BTF strings, which is why
/// parsing takes that <see cref="Btf"/>.
/// </summary>
public sealed class BtfExt
{
    private const ushort Magic = 0xEB9F;
    // magic, version, flags, hdr_len, then func_info and line_info offset/length pairs.
    private const int MinimumHeaderLength = 24;
    // The header of a kernel with CO-RE adds core_relo_off/core_relo_len.
    private const int HeaderLengthWithCoreRelocations = 32;

    internal const int FuncInfoRecordLength = 8;
    internal const int LineInfoRecordLength = 16;
    internal const int CoreRelocationRecordLength = 16;

    private BtfExt(IReadOnlyList<BtfExtSection<BtfFuncInfo>> funcInfo, IReadOnlyList<BtfExtSection<BtfLineInfo>> lineInfo,
        IReadOnlyList<BtfExtSection<BtfCoreRelocationRecord>> coreRelocations)
    {
        FuncInfo = funcInfo;
        LineInfo = lineInfo;
        CoreRelocations = coreRelocations;
    }

    /// <summary>bpf_func_info records (function start and its BTF FUNC type), per code section.</summary>
    public IReadOnlyList<BtfExtSection<BtfFuncInfo>> FuncInfo { get; }

    /// <summary>bpf_line_info records (instruction to source file, line and column), per code section.</summary>
    public IReadOnlyList<BtfExtSection<BtfLineInfo>> LineInfo { get; }

    /// <summary>bpf_core_relo records, per code section; empty when the object has no CO-RE accesses.</summary>
    public IReadOnlyList<BtfExtSection<BtfCoreRelocationRecord>> CoreRelocations { get; }

    /// <summary>The func_info records of one code section (empty when it has none).</summary>
    public IReadOnlyList<BtfFuncInfo> FuncInfoOf(string section) => RecordsOf(FuncInfo, section);

    /// <summary>The line_info records of one code section, in instruction order (empty when it has none).</summary>
    public IReadOnlyList<BtfLineInfo> LineInfoOf(string section) => RecordsOf(LineInfo, section);

    /// <summary>The CO-RE relocation records of one code section (empty when it has none).</summary>
    public IReadOnlyList<BtfCoreRelocationRecord> CoreRelocationsOf(string section) => RecordsOf(CoreRelocations, section);

    private static IReadOnlyList<T> RecordsOf<T>(IReadOnlyList<BtfExtSection<T>> part, string section)
    {
        foreach (var candidate in part)
            if (candidate.SectionName == section)
                return candidate.Records;
        return new T[0];
    }

    /// <summary>Parses a .BTF.ext section; <paramref name="btf"/> is the same object's .BTF (its strings name sections).</summary>
    public static BtfExt Parse(byte[] data, Btf btf)
    {
        if (data is null)
            throw new ArgumentNullException(nameof(data));
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        var span = new ReadOnlySpan<byte>(data);
        if (span.Length < MinimumHeaderLength)
            throw Malformed(0, $"the section is {span.Length} bytes, shorter than its {MinimumHeaderLength}-byte header.");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(span);
        if (magic != Magic)
            throw Malformed(0, magic == BinaryPrimitives.ReverseEndianness(Magic)
                ? "it is big-endian; Nectar reads little-endian BPF objects."
                : $"magic is 0x{magic:X4}, not 0xEB9F.");
        if (span[2] != 1)
            throw Malformed(2, $"version {span[2]} is not supported (only version 1 exists).");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(4));
        if (headerLength < MinimumHeaderLength || headerLength > span.Length)
            throw Malformed(4, $"header length {headerLength} is outside {MinimumHeaderLength}..{span.Length}.");

        var body = span.Slice((int)headerLength);
        var funcInfo = ReadPart(body, (int)headerLength, span, 8, "func_info", FuncInfoRecordLength, btf,
            r => new BtfFuncInfo(Read(r, 0), Read(r, 4)));
        var lineInfo = ReadPart(body, (int)headerLength, span, 16, "line_info", LineInfoRecordLength, btf,
            r => new BtfLineInfo(Read(r, 0), Read(r, 4), Read(r, 8), Read(r, 12)));
        var coreRelocations = headerLength >= HeaderLengthWithCoreRelocations
            ? ReadPart(body, (int)headerLength, span, 24, "core_relo", CoreRelocationRecordLength, btf,
                r => new BtfCoreRelocationRecord(Read(r, 0), Read(r, 4), Read(r, 8), Read(r, 12)))
            : new BtfExtSection<BtfCoreRelocationRecord>[0];
        return new BtfExt(funcInfo, lineInfo, coreRelocations);
    }

    private delegate T RecordReader<out T>(ReadOnlySpan<byte> record);

    // One part (func_info, line_info or core_relo): a u32 record size, then for each code section
    // {u32 section name offset, u32 record count, records}. Records may be longer than the fields
    // this reader knows (a newer compiler); the known prefix is read and the rest skipped.
    private static IReadOnlyList<BtfExtSection<T>> ReadPart<T>(ReadOnlySpan<byte> body, int bodyStart, ReadOnlySpan<byte> header,
        int fieldOffset, string part, int minimumRecordLength, Btf btf, RecordReader<T> read)
    {
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(fieldOffset));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(fieldOffset + 4));
        var sections = new List<BtfExtSection<T>>();
        if (length == 0)
            return sections;
        if (offset > (uint)body.Length || length > (uint)body.Length - offset)
            throw Malformed(fieldOffset, $"{part} ({offset}+{length}) runs past the end of the section ({body.Length} bytes after the header).");
        var data = body.Slice((int)offset, (int)length);
        int at = bodyStart + (int)offset;
        if (data.Length < 4)
            throw Malformed(at, $"{part} is {data.Length} bytes, too short for its record size.");
        uint recordLength = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (recordLength < minimumRecordLength || recordLength % 4 != 0 || recordLength > 1024)
            throw Malformed(at, $"{part} record size {recordLength} is not a multiple of 4 between {minimumRecordLength} and 1024.");
        int position = 4;
        while (position < data.Length)
        {
            if (data.Length - position < 8)
                throw Malformed(at + position, $"{part} has a truncated section header ({data.Length - position} bytes left).");
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position + 4));
            position += 8;
            if (count == 0 || count > (uint)(data.Length - position) / recordLength)
                throw Malformed(at + position - 4, $"{part} claims {count} records of {recordLength} bytes, but {data.Length - position} bytes remain.");
            string name;
            try
            {
                name = btf.GetString(nameOffset);
            }
            catch (BtfException e)
            {
                throw Malformed(at + position - 8, $"{part} section name: {e.Message}");
            }
            var records = new T[count];
            for (int i = 0; i < records.Length; i++)
            {
                records[i] = read(data.Slice(position, (int)recordLength));
                position += (int)recordLength;
            }
            sections.Add(new BtfExtSection<T>(name, records));
        }
        return sections;
    }

    private static uint Read(ReadOnlySpan<byte> record, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(offset));

    private static BtfException Malformed(long offset, string what) => new($"Malformed .BTF.ext at byte offset {offset}: {what}", offset);
}

/// <summary>The records of one part of .BTF.ext that belong to one code section (e.g. "tp_btf/sched_process_exec").</summary>
public sealed class BtfExtSection<T>
{
    internal BtfExtSection(string sectionName, IReadOnlyList<T> records)
    {
        SectionName = sectionName;
        Records = records;
    }

    public string SectionName { get; }

    public IReadOnlyList<T> Records { get; }

    public override string ToString() => $"{SectionName}: {Records.Count} records";
}

/// <summary>struct bpf_func_info: the function starting at this instruction byte offset has this BTF FUNC type.</summary>
public readonly record struct BtfFuncInfo(uint InstructionOffset, uint TypeId);

/// <summary>struct bpf_line_info: the instruction at this byte offset comes from this source line (offsets into .BTF strings).</summary>
public readonly record struct BtfLineInfo(uint InstructionOffset, uint FileNameOffset, uint LineOffset, uint LineAndColumn)
{
    /// <summary>The source line number (line_col's upper 22 bits).</summary>
    public uint Line => LineAndColumn >> 10;

    /// <summary>The source column (line_col's lower 10 bits).</summary>
    public uint Column => LineAndColumn & 0x3FF;
}

/// <summary>
/// struct bpf_core_relo as stored: the instruction at this byte offset accesses the local type
/// <paramref name="TypeId"/> through the access string at <paramref name="AccessStringOffset"/>
/// (a .BTF string such as "0:1:3"), and needs relocation of the given kind (BPF_CORE_*).
/// </summary>
public readonly record struct BtfCoreRelocationRecord(uint InstructionOffset, uint TypeId, uint AccessStringOffset, uint Kind);
