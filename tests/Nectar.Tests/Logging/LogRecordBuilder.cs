using System.Buffers.Binary;
using System.Text;
using Nectar.Logging;

namespace Nectar.Tests.Logging;

/// <summary>Writes a log record byte for byte as nectar_log.h does, for decoding tests.</summary>
internal static class LogRecordBuilder
{
    public const int StringSlot = 64;

    public static byte[] Build(byte level, string category, string format, params object[] arguments)
    {
        byte[] categoryBytes = Encoding.UTF8.GetBytes(category), formatBytes = Encoding.UTF8.GetBytes(format);
        int text = (categoryBytes.Length + formatBytes.Length + 7) & ~7;
        int size = 32 + text + arguments.Sum(a => a is string ? StringSlot : 8);
        var record = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(record, 1_000_000_123);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), 4242);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), 4243);
        record[16] = level;
        record[17] = (byte)arguments.Length;
        record[18] = (byte)categoryBytes.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(20), (ushort)formatBytes.Length);
        categoryBytes.CopyTo(record, 32);
        formatBytes.CopyTo(record, 32 + categoryBytes.Length);
        int offset = 32 + text;
        for (int i = 0; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case string s:
                    record[22 + i] = (byte)BpfLogArgumentKind.String;
                    Encoding.UTF8.GetBytes(s).CopyTo(record, offset);
                    offset += StringSlot;
                    break;
                case ulong u:
                    record[22 + i] = (byte)BpfLogArgumentKind.Unsigned;
                    BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(offset), u);
                    offset += 8;
                    break;
                default:
                    record[22 + i] = (byte)BpfLogArgumentKind.Signed;
                    BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(offset), Convert.ToInt64(arguments[i]));
                    offset += 8;
                    break;
            }
        }
        return record;
    }
}
