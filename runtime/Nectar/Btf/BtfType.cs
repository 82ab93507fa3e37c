using System;
using System.Collections.Generic;

namespace Nectar.Btf;

/// <summary>
/// A view of one BTF type record, decoded on demand. Cheap to copy; valid as long as its
/// <see cref="Btf"/> is. Accessors that do not apply to the kind throw InvalidOperationException.
/// </summary>
public readonly struct BtfType : IEquatable<BtfType>
{
    private readonly int _offset;

    internal BtfType(Btf owner, uint id, int offset)
    {
        Owner = owner;
        Id = id;
        _offset = offset;
    }

    /// <summary>The BTF that holds this record (for split BTF, the base or the module).</summary>
    public Btf Owner { get; }

    public uint Id { get; }

    public bool IsVoid => Id == 0;

    /// <summary>Where the record starts in <see cref="Owner"/>'s bytes.</summary>
    internal int RecordOffset => _offset;

    private uint Info => IsVoid ? 0 : Owner.ReadUInt32(_offset + 4);

    public BtfKind Kind => (BtfKind)((Info >> 24) & 0x1F);

    /// <summary>The raw kind_flag bit; see <see cref="IsSigned"/>, <see cref="IsForwardUnion"/>, member bitfields.</summary>
    public bool KindFlag => (Info & 0x8000_0000) != 0;

    /// <summary>The vlen field: members, enumerators, parameters, section variables; FUNC linkage.</summary>
    public int Vlen => (int)(Info & 0xFFFF);

    public uint NameOffset => IsVoid ? 0 : Owner.ReadUInt32(_offset);

    /// <summary>The name, or "" for anonymous types and void.</summary>
    public string Name => IsVoid ? "void" : Owner.GetString(NameOffset);

    public bool IsAnonymous => NameOffset == 0;

    /// <summary>The size in bytes of INT, STRUCT, UNION, ENUM, ENUM64, FLOAT and DATASEC types.</summary>
    public uint Size => Kind is BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.Datasec
        ? Owner.ReadUInt32(_offset + 8)
        : throw Wrong("Size");

    /// <summary>The type referred to by PTR, TYPEDEF, modifiers, TYPE_TAG, FUNC (its prototype), VAR, DECL_TAG and FUNC_PROTO (its return type).</summary>
    public uint TypeId => Kind is BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
        or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag or BtfKind.FuncProto
        ? Owner.ReadUInt32(_offset + 8)
        : throw Wrong("TypeId");

    /// <summary>The type this one refers to (see <see cref="TypeId"/>).</summary>
    public BtfType Referenced => Owner.GetType(TypeId);

    public bool IsModifier => Kind is BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag;

    public bool IsComposite => Kind is BtfKind.Struct or BtfKind.Union;

    public bool IsEnum => Kind is BtfKind.Enum or BtfKind.Enum64;

    /// <summary>INT: BTF_INT_SIGNED/CHAR/BOOL.</summary>
    public BtfIntEncoding IntEncoding => (BtfIntEncoding)((IntData >> 24) & 0x0F);

    /// <summary>INT: the bit offset of the value inside its storage (always 0 in kernel BTF).</summary>
    public int IntOffset => (int)((IntData >> 16) & 0xFF);

    /// <summary>INT: the number of value bits.</summary>
    public int IntBits => (int)(IntData & 0xFF);

    private uint IntData => Kind == BtfKind.Int ? Owner.ReadUInt32(_offset + 12) : throw Wrong("IntEncoding");

    /// <summary>ENUM/ENUM64: kind_flag set means signed values.</summary>
    public bool IsSigned => IsEnum ? KindFlag : Kind == BtfKind.Int ? (IntEncoding & BtfIntEncoding.Signed) != 0 : throw Wrong("IsSigned");

    /// <summary>FWD: kind_flag set means a forward-declared union rather than struct.</summary>
    public bool IsForwardUnion => Kind == BtfKind.Fwd ? KindFlag : throw Wrong("IsForwardUnion");

    /// <summary>ARRAY: element type, index type, count.</summary>
    public BtfArrayInfo Array => Kind == BtfKind.Array
        ? new BtfArrayInfo(Owner.ReadUInt32(_offset + 12), Owner.ReadUInt32(_offset + 16), Owner.ReadUInt32(_offset + 20))
        : throw Wrong("Array");

    /// <summary>VAR: 0 static, 1 global allocated, 2 extern.</summary>
    public uint VarLinkage => Kind == BtfKind.Var ? Owner.ReadUInt32(_offset + 12) : throw Wrong("VarLinkage");

    /// <summary>FUNC: 0 static, 1 global, 2 extern (kept in the vlen field).</summary>
    public uint FuncLinkage => Kind == BtfKind.Func ? (uint)Vlen : throw Wrong("FuncLinkage");

    /// <summary>DECL_TAG: -1 for the declaration itself, else the member or parameter index.</summary>
    public int DeclTagComponentIndex => Kind == BtfKind.DeclTag ? (int)Owner.ReadUInt32(_offset + 12) : throw Wrong("DeclTagComponentIndex");

    /// <summary>STRUCT/UNION: member i, with bitfield semantics of kind_flag applied.</summary>
    public BtfMember GetMember(int index)
    {
        if (!IsComposite)
            throw Wrong("Members");
        if ((uint)index >= (uint)Vlen)
            throw new ArgumentOutOfRangeException(nameof(index));
        int at = _offset + Btf.TypeRecordLength + 12 * index;
        uint offset = Owner.ReadUInt32(at + 8);
        string name = Owner.GetString(Owner.ReadUInt32(at));
        uint typeId = Owner.ReadUInt32(at + 4);
        if (KindFlag)
            return new BtfMember(name, typeId, offset & 0xFF_FFFF, offset >> 24);
        // Without kind_flag, a bitfield is a member whose (typedef'd, qualified) type is an INT
        // narrower than its storage or offset inside it: BTF's first bitfield encoding, which the
        // kernel still accepts (and older pahole and hand-written BTF use).
        var storage = Owner.SkipModifiersAndTypedefs(typeId);
        if (storage.Kind == BtfKind.Int && (storage.IntOffset != 0 || storage.IntBits != storage.Size * 8))
            return new BtfMember(name, typeId, offset + (uint)storage.IntOffset, (uint)storage.IntBits);
        return new BtfMember(name, typeId, offset, 0);
    }

    internal uint GetMemberNameOffset(int index) => Owner.ReadUInt32(_offset + Btf.TypeRecordLength + 12 * index);

    /// <summary>The member's offset word as stored (with kind_flag: bitfield size in the top 8 bits).</summary>
    internal uint GetMemberRawOffset(int index) => Owner.ReadUInt32(_offset + Btf.TypeRecordLength + 12 * index + 8);

    internal uint GetMemberTypeId(int index) => Owner.ReadUInt32(_offset + Btf.TypeRecordLength + 12 * index + 4);

    /// <summary>STRUCT/UNION members in declaration order.</summary>
    public IReadOnlyList<BtfMember> Members
    {
        get
        {
            var members = new BtfMember[IsComposite ? Vlen : throw Wrong("Members")];
            for (int i = 0; i < members.Length; i++)
                members[i] = GetMember(i);
            return members;
        }
    }

    /// <summary>ENUM/ENUM64 enumerators, sign-extended where the enum is signed.</summary>
    public IReadOnlyList<BtfEnumValue> EnumValues
    {
        get
        {
            var values = new BtfEnumValue[IsEnum ? Vlen : throw Wrong("EnumValues")];
            bool signed = KindFlag;
            int start = _offset + Btf.TypeRecordLength;
            for (int i = 0; i < values.Length; i++)
            {
                if (Kind == BtfKind.Enum)
                {
                    uint raw = Owner.ReadUInt32(start + 8 * i + 4);
                    values[i] = new BtfEnumValue(Owner.GetString(Owner.ReadUInt32(start + 8 * i)), signed ? (int)raw : raw);
                }
                else
                {
                    ulong raw = Owner.ReadUInt32(start + 12 * i + 4) | ((ulong)Owner.ReadUInt32(start + 12 * i + 8) << 32);
                    values[i] = new BtfEnumValue(Owner.GetString(Owner.ReadUInt32(start + 12 * i)), unchecked((long)raw));
                }
            }
            return values;
        }
    }

    /// <summary>FUNC_PROTO parameters.</summary>
    public IReadOnlyList<BtfParam> Params
    {
        get
        {
            var parameters = new BtfParam[Kind == BtfKind.FuncProto ? Vlen : throw Wrong("Params")];
            int start = _offset + Btf.TypeRecordLength;
            for (int i = 0; i < parameters.Length; i++)
                parameters[i] = new BtfParam(Owner.GetString(Owner.ReadUInt32(start + 8 * i)), Owner.ReadUInt32(start + 8 * i + 4));
            return parameters;
        }
    }

    /// <summary>DATASEC variables with their offsets and sizes.</summary>
    public IReadOnlyList<BtfVarSecInfo> DatasecVars
    {
        get
        {
            var vars = new BtfVarSecInfo[Kind == BtfKind.Datasec ? Vlen : throw Wrong("DatasecVars")];
            int start = _offset + Btf.TypeRecordLength;
            for (int i = 0; i < vars.Length; i++)
                vars[i] = new BtfVarSecInfo(Owner.ReadUInt32(start + 12 * i), Owner.ReadUInt32(start + 12 * i + 4), Owner.ReadUInt32(start + 12 * i + 8));
            return vars;
        }
    }

    public bool Equals(BtfType other) => ReferenceEquals(Owner, other.Owner) && Id == other.Id;

    public override bool Equals(object? obj) => obj is BtfType other && Equals(other);

    public override int GetHashCode() => (int)Id;

    public override string ToString() => IsVoid ? "void" : $"[{Id}] {Kind} '{Name}'";

    private InvalidOperationException Wrong(string accessor) => new($"{accessor} does not apply to {this} (kind {Kind}).");
}
