using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Nectar.Btf;

/// <summary>
/// Builds a raw BTF blob type by type: ids are handed out in order (continuing from the base for
/// split BTF), names are deduplicated into one string section. Any id may be referred to before it
/// is added (a struct pointing to itself); <see cref="ToArray"/> does not check references, so
/// tests can also build malformed BTF on purpose. <see cref="BtfWriter"/> builds on this.
/// </summary>
public sealed class BtfBuilder
{
    private byte[] _types = new byte[1024];
    private int _typeLength;
    private readonly List<byte> _strings = new();
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);
    private readonly uint _stringBase;

    /// <summary>A builder for standalone BTF, or for split BTF over <paramref name="baseBtf"/>.</summary>
    public BtfBuilder(Btf? baseBtf = null)
    {
        Base = baseBtf;
        NextTypeId = baseBtf is null ? 1u : baseBtf.LastTypeId + 1;
        _stringBase = baseBtf?.TotalStringLength ?? 0;
        if (baseBtf is null)
            _strings.Add(0); // offset 0 is the empty string (anonymous types)
        _stringOffsets[string.Empty] = 0;
    }

    /// <summary>The base of the split BTF being built, or null.</summary>
    public Btf? Base { get; }

    /// <summary>The id the next added type gets.</summary>
    public uint NextTypeId { get; private set; }

    /// <summary>
    /// The offset of <paramref name="value"/> in the string section, adding it once. Split BTF gets
    /// offsets past the base's strings (its own section), except "" which is the base's offset 0.
    /// </summary>
    public uint AddString(string value)
    {
        if (_stringOffsets.TryGetValue(value, out uint offset))
            return offset;
        offset = _stringBase + (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(value));
        _strings.Add(0);
        return _stringOffsets[value] = offset;
    }

    public uint AddInt(string name, uint size, BtfIntEncoding encoding = BtfIntEncoding.None, int bits = -1, int bitOffset = 0) =>
        AddRecord(name, BtfKind.Int, 0, false, size, ((uint)encoding << 24) | ((uint)bitOffset << 16) | (uint)(bits < 0 ? (int)size * 8 : bits));

    public uint AddFloat(string name, uint size) => AddRecord(name, BtfKind.Float, 0, false, size);

    public uint AddPointer(uint target) => AddRecord("", BtfKind.Ptr, 0, false, target);

    public uint AddArray(uint elementType, uint indexType, uint count) => AddRecord("", BtfKind.Array, 0, false, 0, elementType, indexType, count);

    /// <summary>A struct; kind_flag (bitfield offsets) is set when any member is a bitfield, as clang and pahole do.</summary>
    public uint AddStruct(string name, uint size, IReadOnlyList<BtfMember> members) => AddComposite(BtfKind.Struct, name, size, members);

    public uint AddUnion(string name, uint size, IReadOnlyList<BtfMember> members) => AddComposite(BtfKind.Union, name, size, members);

    public uint AddEnum(string name, uint size, bool signed, IReadOnlyList<BtfEnumValue> values)
    {
        var words = new uint[values.Count * 2];
        for (int i = 0; i < values.Count; i++)
        {
            words[2 * i] = AddString(values[i].Name);
            words[2 * i + 1] = unchecked((uint)values[i].Value);
        }
        return AddRecord(name, BtfKind.Enum, values.Count, signed, size, words);
    }

    public uint AddEnum64(string name, uint size, bool signed, IReadOnlyList<BtfEnumValue> values)
    {
        var words = new uint[values.Count * 3];
        for (int i = 0; i < values.Count; i++)
        {
            words[3 * i] = AddString(values[i].Name);
            words[3 * i + 1] = unchecked((uint)values[i].Value);
            words[3 * i + 2] = unchecked((uint)((ulong)values[i].Value >> 32));
        }
        return AddRecord(name, BtfKind.Enum64, values.Count, signed, size, words);
    }

    public uint AddForward(string name, bool isUnion) => AddRecord(name, BtfKind.Fwd, 0, isUnion, 0);

    public uint AddTypedef(string name, uint target) => AddRecord(name, BtfKind.Typedef, 0, false, target);

    /// <summary>CONST, VOLATILE or RESTRICT of <paramref name="target"/>.</summary>
    public uint AddModifier(BtfKind kind, uint target) => kind is BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict
        ? AddRecord("", kind, 0, false, target)
        : throw new ArgumentException($"{kind} is not a modifier (Const, Volatile, Restrict).", nameof(kind));

    public uint AddTypeTag(string value, uint target) => AddRecord(value, BtfKind.TypeTag, 0, false, target);

    public uint AddDeclTag(string value, uint target, int componentIndex = -1) =>
        AddRecord(value, BtfKind.DeclTag, 0, false, target, unchecked((uint)componentIndex));

    /// <summary>A function; <paramref name="linkage"/> is 0 static, 1 global, 2 extern.</summary>
    public uint AddFunc(string name, uint prototype, int linkage = 1) => AddRecord(name, BtfKind.Func, linkage, false, prototype);

    public uint AddFuncProto(uint returnType, IReadOnlyList<BtfParam> parameters)
    {
        var words = new uint[parameters.Count * 2];
        for (int i = 0; i < parameters.Count; i++)
        {
            words[2 * i] = AddString(parameters[i].Name);
            words[2 * i + 1] = parameters[i].TypeId;
        }
        return AddRecord("", BtfKind.FuncProto, parameters.Count, false, returnType, words);
    }

    /// <summary>A variable; <paramref name="linkage"/> is 0 static, 1 global allocated, 2 extern.</summary>
    public uint AddVar(string name, uint type, uint linkage = 1) => AddRecord(name, BtfKind.Var, 0, false, type, linkage);

    public uint AddDatasec(string name, uint size, IReadOnlyList<BtfVarSecInfo> variables)
    {
        var words = new uint[variables.Count * 3];
        for (int i = 0; i < variables.Count; i++)
        {
            words[3 * i] = variables[i].TypeId;
            words[3 * i + 1] = variables[i].Offset;
            words[3 * i + 2] = variables[i].Size;
        }
        return AddRecord(name, BtfKind.Datasec, variables.Count, false, size, words);
    }

    /// <summary>
    /// Adds a record exactly as given: the name (added to the strings), kind, vlen, kind_flag, the
    /// size-or-type word and the kind's trailing words. The way to write BTF no helper above makes.
    /// </summary>
    public uint AddRecord(string name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType, params uint[] trailer)
    {
        uint info = ((uint)kind << 24) | ((uint)vlen & 0xFFFF) | (kindFlag ? 0x8000_0000u : 0);
        int at = Reserve(BtfRecord.HeaderLength + 4 * trailer.Length);
        WriteWord(at, AddString(name));
        WriteWord(at + 4, info);
        WriteWord(at + 8, sizeOrType);
        for (int i = 0; i < trailer.Length; i++)
            WriteWord(at + 12 + 4 * i, trailer[i]);
        return NextTypeId++;
    }

    /// <summary>Appends a copy of a record; the caller then patches its name and type-id fields at <paramref name="at"/>.</summary>
    internal uint AddCopy(ReadOnlySpan<byte> record, out int at)
    {
        at = Reserve(record.Length);
        record.CopyTo(new Span<byte>(_types, at, record.Length));
        return NextTypeId++;
    }

    internal void WriteWord(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(_types, at, 4), value);

    internal uint ReadWord(int at) => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_types, at, 4));

    internal byte[] TypeBytes => _types;

    /// <summary>The raw blob: a 24-byte header, the type section, then the string section (the layout the kernel and libbpf write).</summary>
    public byte[] ToArray()
    {
        int stringLength = _strings.Count;
        var blob = new byte[BtfHeader.MinimumLength + _typeLength + stringLength];
        var span = new Span<byte>(blob);
        BinaryPrimitives.WriteUInt16LittleEndian(span, BtfHeader.Magic);
        span[2] = 1; // version
        span[3] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(4), BtfHeader.MinimumLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(12), (uint)_typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(16), (uint)_typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(20), (uint)stringLength);
        new ReadOnlySpan<byte>(_types, 0, _typeLength).CopyTo(span.Slice(BtfHeader.MinimumLength));
        _strings.CopyTo(blob, BtfHeader.MinimumLength + _typeLength);
        return blob;
    }

    private uint AddComposite(BtfKind kind, string name, uint size, IReadOnlyList<BtfMember> members)
    {
        bool bitfields = false;
        foreach (var member in members)
            bitfields |= member.IsBitfield;
        var words = new uint[members.Count * 3];
        for (int i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (bitfields && (member.BitOffset > 0xFF_FFFF || member.BitfieldSize > 0xFF))
                throw new ArgumentException($"Member '{member.Name}' at bit {member.BitOffset} (width {member.BitfieldSize}) does not fit BTF's bitfield encoding.", nameof(members));
            words[3 * i] = AddString(member.Name);
            words[3 * i + 1] = member.TypeId;
            words[3 * i + 2] = bitfields ? (member.BitfieldSize << 24) | member.BitOffset : member.BitOffset;
        }
        return AddRecord(name, kind, members.Count, bitfields, size, words);
    }

    private int Reserve(int length)
    {
        if (_typeLength + length > _types.Length)
            Array.Resize(ref _types, Math.Max(_types.Length * 2, _typeLength + length));
        int at = _typeLength;
        _typeLength += length;
        return at;
    }
}
