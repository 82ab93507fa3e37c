using System.Buffers.Binary;
using System.Text;
using Nectar.Elf;

namespace Nectar.Usdt;

/// <summary>
/// Reads the stapsdt notes of a binary's .note.stapsdt section. Each note is an ELF note of owner
/// "stapsdt" and type 3 whose descriptor holds three addresses (the probe, the link-time address of
/// .stapsdt.base, the semaphore) and three NUL-terminated strings (provider, name, arguments).
/// When the binary's .stapsdt.base has moved since the note was written (prelink), the probe's
/// address moves with it, as libbpf does. Every size is checked against the section: a corrupt
/// note is a <see cref="UsdtException"/>, never a read past the end.
/// </summary>
internal static class UsdtNoteReader
{
    public const string NotesSection = ".note.stapsdt";
    public const string BaseSection = ".stapsdt.base";
    private const uint StapsdtNoteType = 3;
    private static readonly byte[] s_owner = "stapsdt\0"u8.ToArray();

    /// <summary>The notes of <paramref name="elf"/>; empty when it has no .note.stapsdt section.</summary>
    internal static IReadOnlyList<UsdtNote> Read(NativeElfFile elf, string origin)
    {
        if (elf.Section(NotesSection) is not { } notes)
            return [];
        ulong? stapsdtBase = elf.Section(BaseSection)?.Address;
        return Parse(notes.Data.Span, stapsdtBase, origin);
    }

    /// <summary>
    /// Parses the bytes of a .note.stapsdt section (64-bit little-endian notes). Notes of another
    /// owner or type are skipped, as readers of ELF notes do.
    /// </summary>
    public static IReadOnlyList<UsdtNote> Parse(ReadOnlySpan<byte> section, ulong? stapsdtBase, string origin)
    {
        var notes = new List<UsdtNote>();
        int offset = 0;
        while (offset < section.Length)
        {
            if (section.Length - offset < 12)
                throw Corrupt(origin, offset, $"a note header needs 12 bytes but {section.Length - offset} remain");
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(section[offset..]);
            uint descriptorSize = BinaryPrimitives.ReadUInt32LittleEndian(section[(offset + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(section[(offset + 8)..]);
            ulong nameStart = (ulong)offset + 12;
            ulong descriptorStart = nameStart + Align4(nameSize);
            ulong end = descriptorStart + Align4(descriptorSize);
            if (descriptorStart + descriptorSize > (ulong)section.Length)
                throw Corrupt(origin, offset, $"its name ({nameSize} bytes) and descriptor ({descriptorSize} bytes) run past the section's {section.Length} bytes");
            var name = section.Slice((int)nameStart, (int)nameSize);
            var descriptor = section.Slice((int)descriptorStart, (int)descriptorSize);
            if (type == StapsdtNoteType && name.SequenceEqual(s_owner))
                notes.Add(ParseDescriptor(descriptor, stapsdtBase, origin, offset));
            offset = end >= (ulong)section.Length ? section.Length : (int)end;
        }
        return notes;
    }

    private static UsdtNote ParseDescriptor(ReadOnlySpan<byte> descriptor, ulong? stapsdtBase, string origin, int offset)
    {
        if (descriptor.Length < 24)
            throw Corrupt(origin, offset, $"its descriptor has {descriptor.Length} bytes, fewer than the three 8-byte addresses (probe, base, semaphore)");
        ulong address = BinaryPrimitives.ReadUInt64LittleEndian(descriptor);
        ulong noteBase = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[8..]);
        ulong semaphore = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[16..]);
        var strings = descriptor[24..];
        string provider = NextString(ref strings, origin, offset, "provider");
        string probe = NextString(ref strings, origin, offset, "probe name");
        string arguments = NextString(ref strings, origin, offset, "argument specs");
        if (provider.Length == 0 || probe.Length == 0)
            throw Corrupt(origin, offset, "its provider or probe name is empty");
        // Prelink may move .stapsdt.base; the note recorded where it was when the note was written.
        if (stapsdtBase is { } actual && noteBase != 0)
            address += actual - noteBase;
        return new UsdtNote(provider, probe, address, noteBase, semaphore, arguments);
    }

    private static string NextString(ref ReadOnlySpan<byte> rest, string origin, int offset, string what)
    {
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw Corrupt(origin, offset, $"its {what} is not NUL-terminated inside the note");
        string value = Encoding.UTF8.GetString(rest[..end]);
        rest = rest[(end + 1)..];
        return value;
    }

    private static ulong Align4(uint size) => ((ulong)size + 3) & ~3UL;

    private static UsdtException Corrupt(string origin, int offset, string problem) =>
        new(UsdtProblem.CorruptNote, $"{origin}: the stapsdt note at offset {offset} of {NotesSection} is corrupt: {problem}. Rebuild the binary, or probe another copy of it.");
}
