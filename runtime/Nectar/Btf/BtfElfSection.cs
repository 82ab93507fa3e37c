using System;
using System.Buffers.Binary;
using System.Text;

namespace Nectar.Btf;

/// <summary>
/// Just enough ELF to take one section's bytes out of a BPF object (ELF64, little-endian), so the
/// BTF reader, which the generator also compiles, can read objects without the runtime's ELF loader.
/// </summary>
public static class BtfElfSection
{
    public static bool IsElf(ReadOnlySpan<byte> file) =>
        file.Length >= 4 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F';

    /// <summary>The bytes of the named section, or null when the object has none.</summary>
    public static byte[]? Extract(byte[] file, string sectionName)
    {
        var span = new ReadOnlySpan<byte>(file);
        if (span.Length < 64 || !IsElf(span))
            throw new BtfException("Not an ELF file: the header is missing or truncated.", 0);
        if (span[4] != 2)
            throw new BtfException("Only 64-bit ELF objects are supported (EI_CLASS is not ELFCLASS64).", 4);
        if (span[5] != 1)
            throw new BtfException("This ELF object is big-endian; Nectar reads little-endian BPF objects (compile with -target bpfel or bpf on x86_64/arm64).", 5);
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(0x3A));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(0x3C));
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(0x3E));
        if (entrySize < 64 || namesIndex >= count || sectionTable + (ulong)entrySize * (ulong)count > (ulong)span.Length)
            throw new BtfException($"The ELF section header table (at {sectionTable}, {count} entries of {entrySize} bytes) does not fit in the file.", 0x28);

        var names = Section(span, sectionTable, entrySize, namesIndex);
        byte[] wanted = Encoding.ASCII.GetBytes(sectionName);
        for (int i = 0; i < count; i++)
        {
            long header = (long)sectionTable + (long)i * entrySize;
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice((int)header));
            if (nameOffset >= names.Length)
                continue;
            var name = names.Slice((int)nameOffset);
            int end = name.IndexOf((byte)0);
            if (end >= 0 && name.Slice(0, end).SequenceEqual(wanted))
                return Section(span, sectionTable, entrySize, i).ToArray();
        }
        return null;
    }

    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> file, ulong table, int entrySize, int index)
    {
        int header = (int)(table + (ulong)(index * entrySize));
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(file.Slice(header + 0x18));
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(file.Slice(header + 0x20));
        if (offset > (ulong)file.Length || size > (ulong)file.Length - offset)
            throw new BtfException($"ELF section {index} ({offset}+{size}) runs past the end of the file.", header);
        return file.Slice((int)offset, (int)size);
    }
}
