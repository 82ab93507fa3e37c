using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Nectar.Logging;

/// <summary>The kind of one logged argument, as bpf/include/nectar_log.h writes it.</summary>
public enum BpfLogArgumentKind : byte
{
    Signed = 1,
    Unsigned = 2,
    String = 3,
}

/// <summary>One argument of a BPF log record: an integer (its 64 bits) or a string.</summary>
public readonly record struct BpfLogArgument(BpfLogArgumentKind Kind, ulong Bits, string? Text)
{
    public long Signed => (long)Bits;
}

/// <summary>
/// A record written by nectar_log_*() in BPF (bpf/include/nectar_log.h), decoded:
/// <code>
/// struct nectar_log_record {          // 32 bytes
///     u64 timestamp_ns;               // bpf_ktime_get_boot_ns()
///     u32 tgid, pid;
///     u8 level, arg_count, category_length, reserved;
///     u16 format_length;
///     u8 arg_kinds[8];
///     u16 reserved2;
/// };                                  // then category, format, zero padding to 8 bytes,
///                                     // then one slot per argument: 8 bytes per integer,
///                                     // NECTAR_LOG_STR_MAX bytes per string (NUL-terminated)
/// </code>
/// The string slot size (NECTAR_LOG_STR_MAX, a multiple of 8) is not written: it is what remains
/// of the record once the header, the text and the integer slots are taken, divided by the
/// number of strings.
/// </summary>
public sealed record BpfLogRecord(ulong BootTimeNs, uint Tgid, uint Pid, LogLevel Level, string Category, string Format,
    IReadOnlyList<BpfLogArgument> Arguments)
{
    internal const int HeaderSize = 32;
    internal const int MaxArguments = 8;

    /// <summary>The format with its arguments, printf style.</summary>
    public string Message => PrintfFormat.Render(Format, Arguments);

    /// <summary>Decodes a record; on malformed input returns false and says what is wrong in <paramref name="error"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> record, out BpfLogRecord? decoded, out string? error)
    {
        decoded = null;
        error = Check(record, out int textEnd, out int stringSlot);
        if (error is not null)
            return false;

        int categoryLength = record[18];
        int formatLength = BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);
        string category = Encoding.UTF8.GetString(record.Slice(HeaderSize, categoryLength));
        string format = Encoding.UTF8.GetString(record.Slice(HeaderSize + categoryLength, formatLength));
        int count = record[17];
        var arguments = new BpfLogArgument[count];
        int offset = textEnd;
        for (int i = 0; i < count; i++)
        {
            var kind = (BpfLogArgumentKind)record[22 + i];
            if (kind == BpfLogArgumentKind.String)
            {
                var slot = record.Slice(offset, stringSlot);
                int nul = slot.IndexOf((byte)0);
                arguments[i] = new BpfLogArgument(kind, 0, Encoding.UTF8.GetString(nul < 0 ? slot : slot[..nul]));
                offset += stringSlot;
            }
            else
            {
                arguments[i] = new BpfLogArgument(kind, BinaryPrimitives.ReadUInt64LittleEndian(record[offset..]), null);
                offset += 8;
            }
        }
        decoded = new BpfLogRecord(
            BinaryPrimitives.ReadUInt64LittleEndian(record),
            BinaryPrimitives.ReadUInt32LittleEndian(record[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(record[12..]),
            (LogLevel)record[16], category, format, arguments);
        return true;
    }

    /// <summary>Validates the layout; null when it is sound.</summary>
    private static string? Check(ReadOnlySpan<byte> record, out int textEnd, out int stringSlot)
    {
        textEnd = stringSlot = 0;
        if (record.Length < HeaderSize)
            return $"it has {record.Length} bytes, fewer than the {HeaderSize}-byte header";
        if (record[16] > (byte)LogLevel.Critical)
            return $"its level is {record[16]}; levels run from 0 (trace) to 5 (critical)";
        int count = record[17];
        if (count > MaxArguments)
            return $"it claims {count} arguments; at most {MaxArguments} fit";
        int text = record[18] + BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);
        textEnd = HeaderSize + ((text + 7) & ~7);
        int strings = 0, integers = 0;
        for (int i = 0; i < count; i++)
        {
            switch ((BpfLogArgumentKind)record[22 + i])
            {
                case BpfLogArgumentKind.String: strings++; break;
                case BpfLogArgumentKind.Signed or BpfLogArgumentKind.Unsigned: integers++; break;
                default: return $"argument {i} has kind {record[22 + i]}, which is none of 1 (signed), 2 (unsigned), 3 (string)";
            }
        }
        int rest = record.Length - textEnd - 8 * integers;
        if (rest < 0 || (strings == 0 ? rest != 0 : rest % (8 * strings) != 0 || rest == 0))
            return $"its {record.Length} bytes do not hold {text} bytes of text, {integers} integer and {strings} string argument(s)";
        stringSlot = strings == 0 ? 0 : rest / strings;
        return null;
    }
}
