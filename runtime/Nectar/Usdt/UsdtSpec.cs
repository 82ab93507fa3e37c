using System.Buffers.Binary;

namespace Nectar.Usdt;

/// <summary>
/// The value of usdt.bpf.h's __bpf_usdt_specs map for one probe site: struct __bpf_usdt_spec,
/// laid out as the C compiler lays it out for BPF:
/// <code>
/// struct __bpf_usdt_arg_spec { __u64 val_off; enum arg_type (4); short reg_off; bool arg_signed; char arg_bitshift; };  // 16 bytes
/// struct __bpf_usdt_spec { struct __bpf_usdt_arg_spec args[12]; __u64 usdt_cookie; short arg_cnt; };                 // 208 bytes
/// </code>
/// </summary>
internal sealed record UsdtSpec(IReadOnlyList<UsdtArgument> Arguments, ulong Cookie)
{
    internal const int ArgumentSize = 16;
    internal const int Size = 208;
    private const int CookieOffset = UsdtArgument.MaxCount * ArgumentSize;
    private const int CountOffset = CookieOffset + 8;

    /// <summary>The map value's bytes.</summary>
    internal byte[] Encode()
    {
        var bytes = new byte[Size];
        for (int i = 0; i < Arguments.Count; i++)
        {
            var a = Arguments[i];
            var slot = bytes.AsSpan(i * ArgumentSize, ArgumentSize);
            BinaryPrimitives.WriteInt64LittleEndian(slot, a.Value);
            BinaryPrimitives.WriteInt32LittleEndian(slot[8..], (int)a.Kind);
            BinaryPrimitives.WriteInt16LittleEndian(slot[12..], a.RegisterOffset);
            slot[14] = a.IsSigned ? (byte)1 : (byte)0;
            slot[15] = a.BitShift;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(CookieOffset), Cookie);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(CountOffset), (short)Arguments.Count);
        return bytes;
    }

    /// <summary>Reads a map value back (tests compare with what libbpf wrote).</summary>
    internal static UsdtSpec Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
            throw new ArgumentException($"A __bpf_usdt_spec value is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        short count = BinaryPrimitives.ReadInt16LittleEndian(bytes[CountOffset..]);
        var arguments = new List<UsdtArgument>();
        for (int i = 0; i < Math.Clamp((int)count, 0, UsdtArgument.MaxCount); i++)
        {
            var slot = bytes.Slice(i * ArgumentSize, ArgumentSize);
            arguments.Add(new UsdtArgument((UsdtArgumentKind)BinaryPrimitives.ReadInt32LittleEndian(slot[8..]), BinaryPrimitives.ReadInt64LittleEndian(slot),
                BinaryPrimitives.ReadInt16LittleEndian(slot[12..]), slot[14] != 0, slot[15]));
        }
        return new UsdtSpec(arguments, BinaryPrimitives.ReadUInt64LittleEndian(bytes[CookieOffset..]));
    }
}
