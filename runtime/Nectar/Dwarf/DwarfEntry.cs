namespace Nectar.Dwarf;

/// <summary>One attribute value: a number (constants, flags, offsets, references made absolute in .debug_info), a string, or bytes (blocks, exprloc).</summary>
internal readonly record struct DwarfValue(ulong Number, string? Text = null, byte[]? Block = null, bool IsSigned = false);

/// <summary>
/// A debugging information entry: its offset in .debug_info, tag, attributes and children. Strings
/// given by index (DW_FORM_strx*) are resolved once the unit's DW_AT_str_offsets_base is known.
/// </summary>
internal sealed class DwarfEntry(int offset, ushort tag)
{
    public int Offset { get; } = offset;
    public ushort Tag { get; } = tag;
    public Dictionary<ushort, DwarfValue> Attributes { get; } = [];
    public List<DwarfEntry> Children { get; } = [];

    public string? Name => Attributes.TryGetValue(DwarfConstants.AtName, out var v) ? v.Text : null;

    public ulong? Number(ushort attribute) => Attributes.TryGetValue(attribute, out var v) && v.Text is null && v.Block is null ? v.Number : null;

    public bool Has(ushort attribute) => Attributes.ContainsKey(attribute);
}

/// <summary>The DWARF tags, attributes and forms the reader understands (DWARF 5, section 7.5).</summary>
internal static class DwarfConstants
{
    public const ushort TagArrayType = 0x01, TagEnumerationType = 0x04, TagMember = 0x0d, TagPointerType = 0x0f,
        TagCompileUnit = 0x11, TagStructureType = 0x13, TagSubroutineType = 0x15, TagTypedef = 0x16, TagUnionType = 0x17,
        TagSubrangeType = 0x21, TagBaseType = 0x24, TagConstType = 0x26, TagEnumerator = 0x28, TagVolatileType = 0x35,
        TagRestrictType = 0x37, TagAtomicType = 0x47;

    public const ushort AtName = 0x03, AtByteSize = 0x0b, AtBitOffset = 0x0c, AtBitSize = 0x0d, AtConstValue = 0x1c,
        AtUpperBound = 0x2f, AtCount = 0x37, AtDataMemberLocation = 0x38, AtDeclaration = 0x3c, AtEncoding = 0x3e,
        AtType = 0x49, AtDataBitOffset = 0x6b, AtStrOffsetsBase = 0x72;

    public const byte EncodingBoolean = 2, EncodingFloat = 4, EncodingSigned = 5, EncodingSignedChar = 6, EncodingUnsigned = 7, EncodingUnsignedChar = 8;
}
