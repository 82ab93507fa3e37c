namespace Nectar.Relocation;

/// <summary>enum bpf_core_relo_kind: what a CO-RE relocation asks of the running kernel's types.</summary>
public enum CoreRelocationKind : uint
{
    FieldByteOffset = 0,
    FieldByteSize = 1,
    FieldExists = 2,
    FieldSigned = 3,
    FieldLshiftU64 = 4,
    FieldRshiftU64 = 5,
    TypeIdLocal = 6,
    TypeIdTarget = 7,
    TypeExists = 8,
    TypeSize = 9,
    EnumValueExists = 10,
    EnumValue = 11,
    TypeMatches = 12,
}

internal static class CoreRelocationKinds
{
    internal static bool IsField(this CoreRelocationKind kind) => kind <= CoreRelocationKind.FieldRshiftU64;

    internal static bool IsEnumValue(this CoreRelocationKind kind) => kind is CoreRelocationKind.EnumValueExists or CoreRelocationKind.EnumValue;

    /// <summary>The kinds that answer "no" (0) rather than fail when nothing in the kernel matches.</summary>
    internal static bool IsExistence(this CoreRelocationKind kind) =>
        kind is CoreRelocationKind.FieldExists or CoreRelocationKind.TypeExists or CoreRelocationKind.EnumValueExists or CoreRelocationKind.TypeMatches;
}
