using System.Buffers.Binary;
using System.Text;
using Nectar.Elf;
using static Nectar.Dwarf.DwarfConstants;

namespace Nectar.Dwarf;

/// <summary>
/// Just enough DWARF 4/5 for types: reads every unit of .debug_info with its abbreviations into a
/// tree of <see cref="DwarfEntry"/>, with names from .debug_str, .debug_line_str or (DWARF 5)
/// .debug_str_offsets. 32-bit DWARF only (what clang and gcc emit). Every read is bounds-checked
/// and nesting is capped, so a corrupt section is a <see cref="DwarfException"/>, never a crash
/// or a runaway. Relocations are not applied: in a relocatable object the offsets these sections
/// hold are relative to section symbols of value 0, so the stored addends are the offsets.
/// </summary>
internal sealed class DwarfReader
{
    private const int MaxDepth = 256;
    private const ushort FormIndirect = 0x16;

    private readonly string _origin;
    private readonly byte[] _info, _abbrev, _strings, _stringOffsets, _lineStrings;
    private readonly Dictionary<int, DwarfEntry> _entries = [];

    private DwarfReader(string origin, byte[] info, byte[] abbrev, byte[] strings, byte[] stringOffsets, byte[] lineStrings)
    {
        _origin = origin;
        _info = info;
        _abbrev = abbrev;
        _strings = strings;
        _stringOffsets = stringOffsets;
        _lineStrings = lineStrings;
    }

    /// <summary>The top-level entries of every unit (their compile units' children).</summary>
    public List<DwarfEntry> Units { get; } = [];

    /// <summary>Every entry, in no particular order (structs may be declared inside functions).</summary>
    public IEnumerable<DwarfEntry> Entries => _entries.Values;

    /// <summary>An entry by its offset in .debug_info (what DW_AT_type refers to).</summary>
    public DwarfEntry? At(ulong offset) => offset <= int.MaxValue && _entries.TryGetValue((int)offset, out var e) ? e : null;

    /// <summary>The DWARF of a BPF object; null when it has no .debug_info (built without -g).</summary>
    public static DwarfReader? FromElf(ElfFile elf, string origin)
    {
        if (elf.FindSection(".debug_info") is not { } info)
            return null;
        byte[] Bytes(string name) => elf.FindSection(name) is { } s ? elf.Contents(s).ToArray() : [];
        return Parse(origin, elf.Contents(info).ToArray(), Bytes(".debug_abbrev"), Bytes(".debug_str"), Bytes(".debug_str_offsets"), Bytes(".debug_line_str"));
    }

    public static DwarfReader Parse(string origin, byte[] info, byte[] abbrev, byte[] strings, byte[] stringOffsets, byte[] lineStrings)
    {
        var reader = new DwarfReader(origin, info, abbrev, strings, stringOffsets, lineStrings);
        reader.ReadUnits();
        return reader;
    }

    private DwarfException Error(string problem) => new($"{_origin}: DWARF: {problem}; the object's debug information is corrupt (rebuild it, or drop --record to print hex).");

    private void ReadUnits()
    {
        int offset = 0;
        while (offset < _info.Length)
        {
            var cursor = new Cursor(_info, offset, this, ".debug_info");
            uint length = cursor.U32();
            if (length >= 0xfffffff0)
                throw Error($"the unit at .debug_info offset {offset} is 64-bit DWARF (or reserved length 0x{length:x}), which Nectar does not read");
            long end = (long)cursor.Position + length;
            if (end > _info.Length)
                throw Error($"the unit at .debug_info offset {offset} is {length} bytes long, past the section's {_info.Length} bytes");
            ushort version = cursor.U16();
            byte addressSize;
            uint abbrevOffset;
            if (version == 5)
            {
                byte unitType = cursor.U8();
                addressSize = cursor.U8();
                abbrevOffset = cursor.U32();
                if (unitType is not (1 or 3)) // DW_UT_compile, DW_UT_partial; type and skeleton units are skipped
                {
                    offset = (int)end;
                    continue;
                }
            }
            else if (version is 2 or 3 or 4)
            {
                abbrevOffset = cursor.U32();
                addressSize = cursor.U8();
            }
            else
                throw Error($"the unit at .debug_info offset {offset} has DWARF version {version}; Nectar reads versions 2 to 5");
            var abbreviations = ReadAbbreviations(abbrevOffset);
            var unit = new Unit(offset, (int)end, addressSize, version);
            ReadEntries(ref cursor, unit, abbreviations);
            ResolveStrings(unit);
            offset = (int)end;
        }
    }

    private sealed record Unit(int Offset, int End, byte AddressSize, ushort Version)
    {
        public List<(DwarfEntry Entry, ushort Attribute, ulong Index)> PendingStrings { get; } = [];
        public ulong StringOffsetsBase { get; set; } = 8; // the default after the .debug_str_offsets header
    }

    private sealed record Abbreviation(ushort Tag, bool HasChildren, (ushort Attribute, ushort Form, long ImplicitConstant)[] Specs);

    private Dictionary<ulong, Abbreviation> ReadAbbreviations(uint offset)
    {
        if (offset >= _abbrev.Length)
            throw Error($"an abbreviation table at offset {offset} is past .debug_abbrev's {_abbrev.Length} bytes");
        var table = new Dictionary<ulong, Abbreviation>();
        var cursor = new Cursor(_abbrev, (int)offset, this, ".debug_abbrev");
        while (true)
        {
            ulong code = cursor.Uleb();
            if (code == 0)
                return table;
            ushort tag = (ushort)cursor.Uleb();
            bool children = cursor.U8() != 0;
            var specs = new List<(ushort, ushort, long)>();
            while (true)
            {
                ulong attribute = cursor.Uleb();
                ulong form = cursor.Uleb();
                if (attribute == 0 && form == 0)
                    break;
                long implicitConstant = form == 0x21 ? cursor.Sleb() : 0;
                specs.Add(((ushort)attribute, (ushort)form, implicitConstant));
            }
            table[code] = new Abbreviation(tag, children, specs.ToArray());
        }
    }

    private void ReadEntries(ref Cursor cursor, Unit unit, Dictionary<ulong, Abbreviation> abbreviations)
    {
        var parents = new Stack<DwarfEntry>();
        while (cursor.Position < unit.End)
        {
            int entryOffset = cursor.Position;
            ulong code = cursor.Uleb();
            if (code == 0)
            {
                if (parents.Count > 0)
                    parents.Pop();
                continue;
            }
            if (!abbreviations.TryGetValue(code, out var abbreviation))
                throw Error($"the entry at .debug_info offset {entryOffset} uses abbreviation {code}, which its unit's table does not define");
            var entry = new DwarfEntry(entryOffset, abbreviation.Tag);
            foreach (var (attribute, form, implicitConstant) in abbreviation.Specs)
            {
                var value = ReadValue(ref cursor, unit, form, implicitConstant, entry, attribute, 0);
                if (value is { } v)
                    entry.Attributes[attribute] = v;
            }
            _entries[entryOffset] = entry;
            if (entry.Tag == TagCompileUnit && entry.Number(AtStrOffsetsBase) is { } stringBase)
                unit.StringOffsetsBase = stringBase;
            if (parents.Count == 0)
            {
                if (entry.Tag != TagCompileUnit)
                    Units.Add(entry);
            }
            else if (parents.Peek().Tag == TagCompileUnit)
                Units.Add(entry);
            else
                parents.Peek().Children.Add(entry);
            if (abbreviation.HasChildren)
            {
                if (parents.Count >= MaxDepth)
                    throw Error($"entries nest deeper than {MaxDepth} levels at .debug_info offset {entryOffset}");
                parents.Push(entry);
            }
        }
    }

    private DwarfValue? ReadValue(ref Cursor cursor, Unit unit, ushort form, long implicitConstant, DwarfEntry entry, ushort attribute, int indirections)
    {
        switch (form)
        {
            case 0x01: return new DwarfValue(cursor.Unsigned(unit.AddressSize)); // addr
            case 0x03: return new DwarfValue(0, Block: cursor.Bytes(cursor.U16())); // block2
            case 0x04: return new DwarfValue(0, Block: cursor.Bytes(cursor.U32())); // block4
            case 0x05: return new DwarfValue(cursor.U16()); // data2
            case 0x06: return new DwarfValue(cursor.U32()); // data4
            case 0x07: return new DwarfValue(cursor.U64()); // data8
            case 0x08: return new DwarfValue(0, cursor.CString()); // string
            case 0x09 or 0x18: return new DwarfValue(0, Block: cursor.Bytes(cursor.Uleb())); // block, exprloc
            case 0x0a: return new DwarfValue(0, Block: cursor.Bytes(cursor.U8())); // block1
            case 0x0b: return new DwarfValue(cursor.U8()); // data1
            case 0x0c: return new DwarfValue(cursor.U8()); // flag
            case 0x0d: return new DwarfValue((ulong)cursor.Sleb(), IsSigned: true); // sdata
            case 0x0e: return new DwarfValue(0, StringAt(_strings, cursor.U32(), ".debug_str")); // strp
            case 0x0f: return new DwarfValue(cursor.Uleb()); // udata
            case 0x10: return new DwarfValue(unit.Version <= 2 ? cursor.Unsigned(unit.AddressSize) : cursor.U32()); // ref_addr
            case 0x11: return new DwarfValue((ulong)unit.Offset + cursor.U8()); // ref1
            case 0x12: return new DwarfValue((ulong)unit.Offset + cursor.U16()); // ref2
            case 0x13: return new DwarfValue((ulong)unit.Offset + cursor.U32()); // ref4
            case 0x14: return new DwarfValue((ulong)unit.Offset + cursor.U64()); // ref8
            case 0x15: return new DwarfValue((ulong)unit.Offset + cursor.Uleb()); // ref_udata
            case FormIndirect:
                if (indirections > 0)
                    throw Error($"DW_FORM_indirect names DW_FORM_indirect again at .debug_info offset {cursor.Position}");
                return ReadValue(ref cursor, unit, (ushort)cursor.Uleb(), implicitConstant, entry, attribute, indirections + 1);
            case 0x17 or 0x1c or 0x1d: return new DwarfValue(cursor.U32()); // sec_offset, ref_sup4, strp_sup
            case 0x19: return new DwarfValue(1); // flag_present
            case 0x1a or 0x25 or 0x26 or 0x27 or 0x28: // strx, strx1..4: resolved after the unit's str_offsets_base is read
                ulong index = form switch { 0x1a => cursor.Uleb(), 0x25 => cursor.U8(), 0x26 => cursor.U16(), 0x27 => cursor.Unsigned(3), _ => cursor.U32() };
                unit.PendingStrings.Add((entry, attribute, index));
                return null;
            case 0x1b or 0x22 or 0x23: return new DwarfValue(cursor.Uleb()); // addrx, loclistx, rnglistx
            case 0x1e: cursor.Bytes(16); return null; // data16
            case 0x1f: return new DwarfValue(0, StringAt(_lineStrings, cursor.U32(), ".debug_line_str")); // line_strp
            case 0x20 or 0x24: return new DwarfValue(cursor.U64()); // ref_sig8, ref_sup8
            case 0x21: return new DwarfValue((ulong)implicitConstant, IsSigned: true); // implicit_const
            case 0x29: return new DwarfValue(cursor.U8()); // addrx1
            case 0x2a: return new DwarfValue(cursor.U16()); // addrx2
            case 0x2b: return new DwarfValue(cursor.Unsigned(3)); // addrx3
            case 0x2c: return new DwarfValue(cursor.U32()); // addrx4
            default:
                throw Error($"attribute 0x{attribute:x} at .debug_info offset {cursor.Position} has form 0x{form:x}, which Nectar does not read");
        }
    }

    private void ResolveStrings(Unit unit)
    {
        foreach (var (entry, attribute, index) in unit.PendingStrings)
        {
            ulong at = unit.StringOffsetsBase + index * 4;
            if (at > (ulong)_stringOffsets.Length || (ulong)_stringOffsets.Length - at < 4)
                throw Error($"string index {index} of the entry at .debug_info offset {entry.Offset} is past .debug_str_offsets ({_stringOffsets.Length} bytes)");
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_stringOffsets.AsSpan((int)at));
            entry.Attributes[attribute] = new DwarfValue(0, StringAt(_strings, offset, ".debug_str"));
        }
    }

    private string StringAt(byte[] table, uint offset, string section)
    {
        if (offset >= table.Length)
            throw Error($"a string at offset {offset} is past {section}'s {table.Length} bytes");
        int end = Array.IndexOf(table, (byte)0, (int)offset);
        if (end < 0)
            throw Error($"the string at {section} offset {offset} is not NUL-terminated");
        return Encoding.UTF8.GetString(table, (int)offset, end - (int)offset);
    }

    /// <summary>A bounds-checked little-endian reader over one section.</summary>
    private ref struct Cursor(byte[] data, int position, DwarfReader owner, string section)
    {
        private readonly byte[] _data = data;
        public int Position = position;

        private ReadOnlySpan<byte> Take(ulong count)
        {
            if (count > (ulong)(_data.Length - Position))
                throw owner.Error($"a read of {count} bytes at {section} offset {Position} runs past the section's {_data.Length} bytes");
            var span = _data.AsSpan(Position, (int)count);
            Position += (int)count;
            return span;
        }

        public byte U8() => Take(1)[0];
        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ulong Unsigned(int size)
        {
            if (size is < 1 or > 8)
                throw owner.Error($"an address size of {size} bytes at {section} offset {Position}");
            var bytes = Take((ulong)size);
            ulong value = 0;
            for (int i = size - 1; i >= 0; i--)
                value = value << 8 | bytes[i];
            return value;
        }

        public byte[] Bytes(ulong count) => Take(count).ToArray();

        public string CString()
        {
            int end = Array.IndexOf(_data, (byte)0, Position);
            if (end < 0)
                throw owner.Error($"an inline string at {section} offset {Position} is not NUL-terminated");
            string text = Encoding.UTF8.GetString(_data, Position, end - Position);
            Position = end + 1;
            return text;
        }

        public ulong Uleb()
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = U8();
                if (shift < 64)
                    result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                    return result;
                if (shift > 70)
                    throw owner.Error($"a LEB128 number at {section} offset {Position} is longer than 10 bytes");
            }
        }

        public long Sleb()
        {
            long result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = U8();
                if (shift < 64)
                    result |= (long)(b & 0x7f) << shift;
                shift += 7;
                if (shift > 77)
                    throw owner.Error($"a LEB128 number at {section} offset {Position} is longer than 10 bytes");
            }
            while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0)
                result |= -1L << shift;
            return result;
        }
    }
}
