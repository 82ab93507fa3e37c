namespace Nectar.Btf;

/// <summary>
/// A member of a struct or union. <see cref="BitOffset"/> is from the start of the enclosing type;
/// <see cref="BitfieldSize"/> is 0 for ordinary members (kind_flag semantics already applied).
/// </summary>
public readonly record struct BtfMember(string Name, uint TypeId, uint BitOffset, uint BitfieldSize)
{
    public bool IsBitfield => BitfieldSize != 0;
    public uint ByteOffset => BitOffset / 8;
}

/// <summary>An enumerator of an ENUM or ENUM64 (the value as the enum's signedness says).</summary>
public readonly record struct BtfEnumValue(string Name, long Value);

/// <summary>A parameter of a FUNC_PROTO; a trailing unnamed parameter of type 0 means "...".</summary>
public readonly record struct BtfParam(string Name, uint TypeId);

/// <summary>A variable (or function) of a DATASEC, with its offset and size in the section.</summary>
public readonly record struct BtfVarSecInfo(uint TypeId, uint Offset, uint Size);

/// <summary>An ARRAY's element type, index type and element count.</summary>
public readonly record struct BtfArrayInfo(uint ElementTypeId, uint IndexTypeId, uint Count);
