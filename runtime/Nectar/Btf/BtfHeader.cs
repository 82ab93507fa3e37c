using System;
using System.Buffers.Binary;

namespace Nectar.Btf;

/// <summary>The header of a raw BTF blob (struct btf_header). Offsets are relative to its end.</summary>
internal readonly struct BtfHeader
{
    internal const ushort Magic = 0xEB9F;
    internal const int MinimumLength = 24;

    internal readonly int HeaderLength;
    internal readonly int TypeOffset;
    internal readonly int TypeLength;
    internal readonly int StringOffset;
    internal readonly int StringLength;

    private BtfHeader(int headerLength, int typeOffset, int typeLength, int stringOffset, int stringLength)
    {
        HeaderLength = headerLength;
        TypeOffset = typeOffset;
        TypeLength = typeLength;
        StringOffset = stringOffset;
        StringLength = stringLength;
    }

    /// <summary>Absolute offset of the first type record.</summary>
    internal int TypeStart => HeaderLength + TypeOffset;

    /// <summary>Absolute offset of the string section.</summary>
    internal int StringStart => HeaderLength + StringOffset;

    internal static BtfHeader Read(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < MinimumLength)
            throw BtfException.At(0, $"the blob is {blob.Length} bytes, shorter than a {MinimumLength}-byte BTF header.");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(blob);
        if (magic == BinaryPrimitives.ReverseEndianness(Magic))
            throw new BtfException("This BTF is big-endian; Nectar reads little-endian BTF only (the byte order of x86_64 and arm64 kernels). " +
                                   "Regenerate it on (or for) a little-endian target.", 0);
        if (magic != Magic)
            throw BtfException.At(0, $"magic is 0x{magic:X4}, not 0xEB9F: this is not raw BTF (an ELF object? use Btf.Load, which reads its .BTF section).");
        if (blob[2] != 1)
            throw BtfException.At(2, $"version {blob[2]} is not supported (only version 1 exists).");

        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4));
        if (headerLength < MinimumLength || headerLength > blob.Length)
            throw BtfException.At(4, $"header length {headerLength} is outside 24..{blob.Length}.");
        // A longer header (from a newer kernel) is fine only if its extra bytes are zero, as the kernel requires.
        for (int i = MinimumLength; i < headerLength; i++)
            if (blob[i] != 0)
                throw BtfException.At(i, "the header has non-zero bytes past the fields this reader knows.");

        uint typeOffset = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(8));
        uint typeLength = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(12));
        uint stringOffset = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(16));
        uint stringLength = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(20));
        long available = blob.Length - headerLength;
        if (typeOffset + (long)typeLength > available)
            throw BtfException.At(8, $"the type section ({typeOffset}+{typeLength}) runs past the end of the blob ({available} bytes after the header): truncated BTF.");
        if (stringOffset + (long)stringLength > available)
            throw BtfException.At(16, $"the string section ({stringOffset}+{stringLength}) runs past the end of the blob ({available} bytes after the header): truncated BTF.");
        if (typeOffset % 4 != 0)
            throw BtfException.At(8, $"the type section offset {typeOffset} is not 4-byte aligned.");
        if (typeOffset < stringOffset + (long)stringLength && stringOffset < typeOffset + (long)typeLength)
            throw BtfException.At(8, "the type and string sections overlap.");
        return new BtfHeader((int)headerLength, (int)typeOffset, (int)typeLength, (int)stringOffset, (int)stringLength);
    }
}
