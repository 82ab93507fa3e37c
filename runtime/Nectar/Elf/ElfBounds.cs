using System;
using System.Text;

namespace Nectar.Elf;

/// <summary>
/// The bounds-checked reads of the ELF reader (<see cref="ElfFile"/>) and of what is layered on it
/// (<see cref="NativeElfFile"/>'s symbol versions): every offset is checked before it is read, so
/// corrupt input is an <see cref="ElfException"/> naming the file.
/// </summary>
internal static unsafe class ElfBounds
{
    internal static ElfException Error(string origin, string problem) => new($"{origin}: {problem}.");

    /// <summary>
    /// Checks the ELF magic and that the whole 64-byte ELF header is there, telling the two apart:
    /// a short file that does start with the magic is truncated, not "not ELF".
    /// </summary>
    internal static void CheckHeader(byte[] image, string origin, int headerSize, string notElfAdvice)
    {
        bool magic = image.Length >= 4 && image[0] == 0x7F && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F';
        if (!magic)
            throw Error(origin, $"not an ELF file (no \\x7fELF magic at offset 0); {notElfAdvice}");
        if (image.Length < headerSize)
            throw Error(origin, $"truncated: it starts with the ELF magic but has {image.Length} bytes, fewer than the {headerSize}-byte ELF header");
    }

    internal static void CheckRange(byte[] image, string origin, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)image.Length || size > (ulong)image.Length - offset)
            throw Error(origin, $"{what} (offset {offset}, {size} bytes) lies past the end of the file ({image.Length} bytes); the file is truncated or corrupt");
    }

    internal static string ReadString(string origin, ReadOnlySpan<byte> table, uint offset, string what)
    {
        if (offset >= table.Length)
            throw Error(origin, $"{what} is at string offset {offset}, past the end of its string table ({table.Length} bytes)");
        var rest = table.Slice((int)offset);
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw Error(origin, $"{what} at string offset {offset} is not NUL-terminated");
        fixed (byte* text = rest)
            return Encoding.UTF8.GetString(text, end);
    }
}
