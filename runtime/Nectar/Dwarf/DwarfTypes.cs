using Nectar.Btf;
using static Nectar.Dwarf.DwarfConstants;

namespace Nectar.Dwarf;

/// <summary>
/// A struct described by an object's DWARF, rebuilt as BTF so the code that prints BTF-typed
/// records prints it too: base types, typedefs, const/volatile, arrays (one per dimension),
/// enums, nested structs and unions with member offsets and bitfields. Pointers become void
/// pointers (a record shows them as addresses), which also keeps self-referring structs finite.
/// </summary>
internal sealed class DwarfTypes
{
    private const int MaxDepth = 64;

    private readonly DwarfReader _dwarf;
    private readonly string _origin;
    private readonly BtfBuilder _builder = new();
    private readonly Dictionary<int, uint> _converted = [];
    private uint _indexType;

    private DwarfTypes(DwarfReader dwarf, string origin)
    {
        _dwarf = dwarf;
        _origin = origin;
    }

    /// <summary>
    /// The complete (not declaration-only) struct named <paramref name="name"/>, or the struct a
    /// typedef of that name stands for, as BTF; null when the DWARF has neither.
    /// </summary>
    public static (Btf.Btf Btf, BtfType Struct)? FindStruct(DwarfReader dwarf, string name, string origin)
    {
        var entry = dwarf.Entries
            .Where(e => e.Name == name && e.Tag is TagStructureType or TagUnionType && !e.Has(AtDeclaration))
            .OrderBy(e => e.Offset).FirstOrDefault()
            ?? dwarf.Entries.Where(e => e.Name == name && e.Tag == TagTypedef).OrderBy(e => e.Offset)
                .Select(e => Resolve(dwarf, e)).FirstOrDefault(e => e is { Tag: TagStructureType or TagUnionType });
        if (entry is null)
            return null;
        var types = new DwarfTypes(dwarf, origin);
        uint id = types.Convert(entry, 0);
        try
        {
            var btf = Btf.Btf.Parse(types._builder.ToArray());
            return (btf, btf.GetType(id));
        }
        catch (BtfException e)
        {
            throw new DwarfException($"{origin}: DWARF: struct '{name}' does not make valid BTF ({e.Message}); drop --record to print hex.");
        }
    }

    /// <summary>The type under a typedef and its qualifiers.</summary>
    private static DwarfEntry? Resolve(DwarfReader dwarf, DwarfEntry entry)
    {
        for (int hops = 0; hops < MaxDepth && entry.Tag is TagTypedef or TagConstType or TagVolatileType; hops++)
        {
            if (entry.Number(AtType) is not { } target || dwarf.At(target) is not { } next)
                return null;
            entry = next;
        }
        return entry;
    }

    private DwarfException Error(DwarfEntry entry, string problem) =>
        new($"{_origin}: DWARF: the type at .debug_info offset {entry.Offset} {problem}; drop --record to print hex.");

    private uint TypeOf(DwarfEntry entry, int depth)
    {
        if (entry.Number(AtType) is not { } offset)
            return 0; // void
        var target = _dwarf.At(offset) ?? throw Error(entry, $"refers to a type at offset {offset} that is no entry");
        return Convert(target, depth + 1);
    }

    private uint Convert(DwarfEntry entry, int depth)
    {
        if (_converted.TryGetValue(entry.Offset, out uint done))
            return done;
        if (depth > MaxDepth)
            throw Error(entry, $"nests deeper than {MaxDepth} types (or refers to itself)");
        uint id = entry.Tag switch
        {
            TagBaseType => BaseType(entry),
            TagPointerType or TagSubroutineType => entry.Tag == TagPointerType ? _builder.AddPointer(0) : 0,
            TagTypedef => _builder.AddTypedef(entry.Name ?? "", TypeOf(entry, depth)),
            TagConstType => _builder.AddModifier(BtfKind.Const, TypeOf(entry, depth)),
            TagVolatileType => _builder.AddModifier(BtfKind.Volatile, TypeOf(entry, depth)),
            TagRestrictType or TagAtomicType => TypeOf(entry, depth),
            TagArrayType => Array(entry, depth),
            TagEnumerationType => Enum(entry),
            TagStructureType or TagUnionType => entry.Has(AtDeclaration) ? _builder.AddForward(entry.Name ?? "", entry.Tag == TagUnionType) : Composite(entry, depth),
            _ => throw Error(entry, $"has tag 0x{entry.Tag:x}, which is no C data type Nectar reads"),
        };
        _converted[entry.Offset] = id;
        return id;
    }

    private uint BaseType(DwarfEntry entry)
    {
        uint size = (uint)(entry.Number(AtByteSize) ?? 0);
        if (size is 0 or > 16)
            throw Error(entry, $"is a base type of {size} bytes");
        byte encoding = (byte)(entry.Number(AtEncoding) ?? EncodingUnsigned);
        if (encoding == EncodingFloat)
            return _builder.AddFloat(entry.Name ?? "", size);
        // As clang's BTF encodes them: no CHAR flag, so only "char" by name prints as text.
        var btfEncoding = encoding switch
        {
            EncodingSigned or EncodingSignedChar => BtfIntEncoding.Signed,
            EncodingBoolean => BtfIntEncoding.Bool,
            _ => BtfIntEncoding.None,
        };
        return _builder.AddInt(entry.Name ?? "", size, btfEncoding);
    }

    private uint Array(DwarfEntry entry, int depth)
    {
        uint element = TypeOf(entry, depth);
        if (_indexType == 0)
            _indexType = _builder.AddInt("__ARRAY_SIZE_TYPE__", 4);
        var counts = entry.Children.Where(c => c.Tag == TagSubrangeType)
            .Select(c => c.Number(AtCount) ?? (c.Number(AtUpperBound) is { } upper ? upper + 1 : 0)).ToList();
        if (counts.Count == 0)
            counts.Add(0);
        uint id = element;
        for (int i = counts.Count - 1; i >= 0; i--)
        {
            if (counts[i] > uint.MaxValue)
                throw Error(entry, $"is an array of {counts[i]} elements");
            id = _builder.AddArray(id, _indexType, (uint)counts[i]);
        }
        return id;
    }

    private uint Enum(DwarfEntry entry)
    {
        uint size = (uint)(entry.Number(AtByteSize) ?? 4);
        var values = entry.Children.Where(c => c.Tag == TagEnumerator)
            .Select(c => new BtfEnumValue(c.Name ?? "", c.Attributes.TryGetValue(AtConstValue, out var v) ? (long)v.Number : 0)).ToList();
        bool signed = values.Any(v => v.Value < 0);
        return size == 8 ? _builder.AddEnum64(entry.Name ?? "", size, signed, values)
            : size is 1 or 2 or 4 ? _builder.AddEnum(entry.Name ?? "", size, signed, values)
            : throw Error(entry, $"is an enum of {size} bytes");
    }

    private uint Composite(DwarfEntry entry, int depth)
    {
        uint size = (uint)(entry.Number(AtByteSize) ?? 0);
        var members = new List<BtfMember>();
        foreach (var member in entry.Children.Where(c => c.Tag == TagMember))
        {
            uint type = TypeOf(member, depth);
            ulong bitSize = member.Number(AtBitSize) ?? 0;
            ulong bitOffset;
            if (member.Number(AtDataBitOffset) is { } dataBitOffset)
                bitOffset = dataBitOffset;
            else
            {
                ulong byteOffset = MemberLocation(member);
                bitOffset = byteOffset * 8;
                // DWARF 2-4 bitfields: DW_AT_bit_offset counts from the storage unit's most significant bit.
                if (bitSize != 0 && member.Number(AtBitOffset) is { } fromTop && member.Number(AtByteSize) is { } unit)
                    bitOffset += unit * 8 - fromTop - bitSize;
            }
            if (bitOffset > uint.MaxValue || bitSize > 255)
                throw Error(member, $"places member '{member.Name}' at bit {bitOffset} with {bitSize} bits");
            members.Add(new BtfMember(member.Name ?? "", type, (uint)bitOffset, (uint)bitSize));
        }
        return entry.Tag == TagUnionType ? _builder.AddUnion(entry.Name ?? "", size, members) : _builder.AddStruct(entry.Name ?? "", size, members);
    }

    /// <summary>DW_AT_data_member_location: a constant, or (DWARF 2) an expression DW_OP_plus_uconst N.</summary>
    private ulong MemberLocation(DwarfEntry member)
    {
        if (!member.Attributes.TryGetValue(AtDataMemberLocation, out var location))
            return 0; // union members, and the first member of some producers
        if (location.Block is not { } block)
            return location.Number;
        if (block.Length >= 2 && block[0] == 0x23) // DW_OP_plus_uconst
        {
            ulong value = 0;
            for (int i = 1, shift = 0; i < block.Length && shift < 64; i++, shift += 7)
            {
                value |= (ulong)(block[i] & 0x7f) << shift;
                if ((block[i] & 0x80) == 0)
                    return value;
            }
        }
        throw Error(member, $"locates member '{member.Name}' with an expression other than a constant offset");
    }
}
