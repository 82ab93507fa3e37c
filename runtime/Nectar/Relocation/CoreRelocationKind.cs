namespace Nectar.Relocation;

/// <summary>What a CO-RE relocation asks for (enum bpf_core_relo_kind; the values are the ABI).</summary>
public enum CoreRelocationKind : uint
{
    /// <summary>The byte offset of a field (BPF_CORE_READ, preserve_access_index).</summary>
    FieldByteOffset = 0,
    /// <summary>The size of a field in bytes (bpf_core_field_size).</summary>
    FieldByteSize = 1,
    /// <summary>1 when the field exists in the target, else 0 (bpf_core_field_exists).</summary>
    FieldExists = 2,
    /// <summary>1 when the field is signed (bitfield reads).</summary>
    FieldSigned = 3,
    /// <summary>The left shift that brings a bitfield to the top of a u64 (BPF_CORE_READ_BITFIELD).</summary>
    FieldLeftShiftU64 = 4,
    /// <summary>The right shift that then brings it down to bit 0.</summary>
    FieldRightShiftU64 = 5,
    /// <summary>The type's id in the object's own BTF (bpf_core_type_id_local).</summary>
    LocalTypeId = 6,
    /// <summary>The matching type's id in the kernel's BTF, 0 when none (bpf_core_type_id_kernel).</summary>
    TargetTypeId = 7,
    /// <summary>1 when a compatible type exists in the kernel (bpf_core_type_exists).</summary>
    TypeExists = 8,
    /// <summary>The matching type's size, 0 when none (bpf_core_type_size).</summary>
    TypeSize = 9,
    /// <summary>1 when the enumerator exists in the kernel (bpf_core_enum_value_exists).</summary>
    EnumValueExists = 10,
    /// <summary>The enumerator's value in the kernel (bpf_core_enum_value).</summary>
    EnumValue = 11,
    /// <summary>1 when a type that matches field by field exists (bpf_core_type_matches).</summary>
    TypeMatches = 12,
}

internal static class CoreRelocationKinds
{
    public static bool IsFieldBased(this CoreRelocationKind kind) => kind <= CoreRelocationKind.FieldRightShiftU64;

    public static bool IsTypeBased(this CoreRelocationKind kind) =>
        kind is CoreRelocationKind.LocalTypeId or CoreRelocationKind.TargetTypeId or CoreRelocationKind.TypeExists
            or CoreRelocationKind.TypeSize or CoreRelocationKind.TypeMatches;

    public static bool IsEnumValueBased(this CoreRelocationKind kind) =>
        kind is CoreRelocationKind.EnumValueExists or CoreRelocationKind.EnumValue;
}
