using System;
using System.Text;

namespace Nectar.Elf;

/// <summary>
/// The bounds-checked reads both ELF readers share (<see cref="ElfFile"/> for BPF objects,
/// <see cref="NativeElfFile"/> for the binaries uprobes attach to): every offset is checked
/// before it is read, so corrupt input is an <see cref="ElfException"/> naming the file.
/// </summary>
internal static unsafe class ElfBounds
{
    internal static ElfException Error(string origin, string problem) => new($"{origin}: {problem}.");

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
