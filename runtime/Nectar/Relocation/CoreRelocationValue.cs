using Nectar.Btf;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// What one relocation computes: the value the compiler wrote (from the object's own BTF, to
/// check the instruction holds it), the value for this kernel, and for field offsets the size
/// of the field on both sides, so a load can be resized. Poison means there is no value: the
/// field or enumerator does not exist, and the instruction must never run.
/// </summary>
internal struct CoreRelocationValue
{
    public ulong Original;
    public ulong New;
    public bool Poison;
    // Whether the instruction must hold Original (false where the compiler may legitimately differ: bitfields, type ids).
    public bool Validate;
    public uint OriginalSize;
    public uint NewSize;
    public uint OriginalTypeId;
    public uint NewTypeId;
    // The field changed size and is neither unsigned integer nor pointer on both sides: a resized load would misread it.
    public bool ResizeUnsafe;

    /// <summary>Computes the relocation's values; a null target spec means nothing in the kernel matched.</summary>
    public static CoreRelocationValue Compute(CoreRelocationKind kind, CoreAccessSpec local, CoreAccessSpec? target)
    {
        var value = new CoreRelocationValue { Validate = true };
        if (kind.IsFieldBased())
        {
            var localField = Field(kind, local, out value.OriginalSize, out value.OriginalTypeId, out value.Validate);
            if (target is null && kind != CoreRelocationKind.FieldExists)
            {
                value.Poison = true;
                return value;
            }
            value.Original = localField;
            value.New = kind == CoreRelocationKind.FieldExists ? (target is null ? 0UL : 1UL) : Field(kind, target!, out value.NewSize, out value.NewTypeId, out _);
            if (kind == CoreRelocationKind.FieldExists)
                value.Original = 1;
            if (value.OriginalSize != value.NewSize)
            {
                var before = local.Btf.GetType(value.OriginalTypeId);
                var after = target!.Btf.GetType(value.NewTypeId);
                bool pointers = before.Kind == BtfKind.Ptr && after.Kind == BtfKind.Ptr;
                bool unsignedInts = before.Kind == BtfKind.Int && after.Kind == BtfKind.Int &&
                    before.IntEncoding != BtfIntEncoding.Signed && after.IntEncoding != BtfIntEncoding.Signed;
                value.ResizeUnsafe = !pointers && !unsignedInts;
            }
        }
        else if (kind.IsTypeBased())
        {
            value.Original = TypeValue(kind, local);
            value.New = target is null ? 0 : TypeValue(kind, target);
            // Type ids change when objects are linked; the compiler's id is not checked.
            value.Validate = kind != CoreRelocationKind.TargetTypeId && kind != CoreRelocationKind.LocalTypeId;
        }
        else
        {
            value.Original = EnumValue(kind, local);
            if (target is null && kind == CoreRelocationKind.EnumValue)
                value.Poison = true;
            else
                value.New = target is null ? 0 : EnumValue(kind, target);
        }
        return value;
    }

    private static ulong Field(CoreRelocationKind kind, CoreAccessSpec spec, out uint size, out uint typeId, out bool validate)
    {
        size = 0;
        typeId = 0;
        validate = true;
        if (kind == CoreRelocationKind.FieldExists)
            return 1;
        var last = spec.Accessors[spec.Accessors.Count - 1];
        if (last.Name is null)
        {
            // The access ends with an array element (or the root pointer itself).
            long elementSize = CoreAccessSpec.SizeOf(spec.Btf, last.TypeId);
            switch (kind)
            {
                case CoreRelocationKind.FieldByteOffset:
                    size = (uint)elementSize;
                    typeId = last.TypeId;
                    return (ulong)(spec.BitOffset / 8);
                case CoreRelocationKind.FieldByteSize:
                    return (ulong)elementSize;
                default:
                    throw new CoreRelocationException($"CO-RE: a {kind} relocation cannot apply to an array element ({spec.Describe()}); only offset and size can.");
            }
        }

        var holder = spec.Btf.GetType(last.TypeId);
        var member = holder.GetMember(last.Index);
        var memberType = CoreAccessSpec.Resolve(spec.Btf, member.TypeId, out uint fieldTypeId);
        long bitOffset = spec.BitOffset;
        long bitSize = member.BitfieldSize;
        long byteSize, byteOffset;
        bool bitfield = bitSize > 0;
        if (bitfield)
        {
            // The smallest naturally aligned load, starting from the declared type's size, that covers every bit.
            byteSize = memberType.Size;
            if (byteSize == 0)
                throw new CoreRelocationException($"CO-RE: bitfield {spec.Describe()} has a zero-sized type.");
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8)
            {
                if (byteSize >= 8)
                    throw new CoreRelocationException($"CO-RE: bitfield {spec.Describe()} spans more than 8 bytes here and cannot be read with one load.");
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        }
        else
        {
            byteSize = CoreAccessSpec.SizeOf(spec.Btf, fieldTypeId);
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }
        // For bitfields the compiler may pick a different load than this; only sign and right shift are certain.
        validate = !bitfield;
        switch (kind)
        {
            case CoreRelocationKind.FieldByteOffset:
                if (!bitfield)
                {
                    size = (uint)byteSize;
                    typeId = fieldTypeId;
                }
                return (ulong)byteOffset;
            case CoreRelocationKind.FieldByteSize:
                return (ulong)byteSize;
            case CoreRelocationKind.FieldSigned:
                validate = true;
                bool signed = (memberType.IsEnum && memberType.KindFlag) ||
                    (memberType.Kind == BtfKind.Int && (memberType.IntEncoding & BtfIntEncoding.Signed) != 0);
                return signed ? 1UL : 0UL;
            case CoreRelocationKind.FieldLeftShiftU64:
                // Little-endian: bring the field's top bit to bit 63 of the loaded value.
                return (ulong)(64 - (bitOffset + bitSize - byteOffset * 8));
            case CoreRelocationKind.FieldRightShiftU64:
                validate = true;
                return (ulong)(64 - bitSize);
            default:
                throw new CoreRelocationException($"CO-RE: unknown field relocation kind {kind}.");
        }
    }

    private static ulong TypeValue(CoreRelocationKind kind, CoreAccessSpec spec) => kind switch
    {
        CoreRelocationKind.LocalTypeId or CoreRelocationKind.TargetTypeId => spec.RootTypeId,
        CoreRelocationKind.TypeExists or CoreRelocationKind.TypeMatches => 1,
        CoreRelocationKind.TypeSize => (ulong)CoreAccessSpec.SizeOf(spec.Btf, spec.RootTypeId),
        _ => throw new CoreRelocationException($"CO-RE: unknown type relocation kind {kind}."),
    };

    private static ulong EnumValue(CoreRelocationKind kind, CoreAccessSpec spec)
    {
        if (kind == CoreRelocationKind.EnumValueExists)
            return 1;
        var accessor = spec.Accessors[0];
        var type = spec.Btf.GetType(accessor.TypeId);
        long value = type.EnumValues[accessor.Index].Value;
        // A 32-bit enumerator is a signed 32-bit value in BTF's record; widen it as such.
        return type.Kind == BtfKind.Enum ? unchecked((ulong)(long)(int)value) : unchecked((ulong)value);
    }
}
