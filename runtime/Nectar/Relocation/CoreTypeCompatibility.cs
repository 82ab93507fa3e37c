using Nectar.Btf;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// When a kernel type can stand in for the object's type, with libbpf's three degrees of
/// strictness: types compatible for type relocations (exists, size, target id), field types
/// compatible for field relocations, and types that match field by field (bpf_core_type_matches).
/// The recursion is bounded: cyclic or absurdly deep BTF is refused, never walked forever.
/// </summary>
internal static class CoreTypeCompatibility
{
    private const int MaxDepth = 32;

    /// <summary>Same kind, where enum and enum64 count as one kind.</summary>
    public static bool KindsCompatible(BtfType a, BtfType b) => a.Kind == b.Kind || (a.IsEnum && b.IsEnum);

    /// <summary>Compatibility for type-based relocations (the caller has matched the names).</summary>
    public static bool TypesCompatible(Btf local, uint localId, Btf target, uint targetId, int level = MaxDepth)
    {
        if (!KindsCompatible(local.GetType(localId), target.GetType(targetId)))
            return false;
        for (int depth = 0; ; depth++)
        {
            if (depth > MaxDepth || level <= 0)
                throw TooDeep(local, localId);
            var l = CoreAccessSpec.Resolve(local, localId, out localId);
            var t = CoreAccessSpec.Resolve(target, targetId, out targetId);
            if (!KindsCompatible(l, t))
                return false;
            switch (l.Kind)
            {
                case BtfKind.Void or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Fwd:
                    return true;
                case BtfKind.Int:
                    // Ints of any size and sign are compatible; old bitfield-like ints are not.
                    return l.IntOffset == 0 && t.IntOffset == 0;
                case BtfKind.Ptr:
                    localId = l.TypeId;
                    targetId = t.TypeId;
                    continue;
                case BtfKind.Array:
                    localId = l.Array.ElementTypeId;
                    targetId = t.Array.ElementTypeId;
                    continue;
                case BtfKind.FuncProto:
                    if (!ParametersAgree(l, t, (localParam, targetParam) => TypesCompatible(local, CoreAccessSpec.Resolve(local, localParam, out _).Id,
                            target, CoreAccessSpec.Resolve(target, targetParam, out _).Id, level - 1)))
                        return false;
                    localId = l.TypeId;
                    targetId = t.TypeId;
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>Compatibility of a member's type for field relocations.</summary>
    public static bool FieldsCompatible(Btf local, uint localId, Btf target, uint targetId)
    {
        for (int depth = 0; ; depth++)
        {
            if (depth > MaxDepth)
                throw TooDeep(local, localId);
            var l = CoreAccessSpec.Resolve(local, localId, out localId);
            var t = CoreAccessSpec.Resolve(target, targetId, out targetId);
            if (l.IsComposite && t.IsComposite)
                return true;
            if (!KindsCompatible(l, t))
                return false;
            switch (l.Kind)
            {
                case BtfKind.Ptr or BtfKind.Float:
                    return true;
                case BtfKind.Fwd or BtfKind.Enum or BtfKind.Enum64:
                    // Anonymous on either side, or the same name up to flavors.
                    return l.IsAnonymous || t.IsAnonymous || CoreNames.HaveSameEssence(l.Name, t.Name);
                case BtfKind.Int:
                    return l.IntOffset == 0 && t.IntOffset == 0;
                case BtfKind.Array:
                    localId = l.Array.ElementTypeId;
                    targetId = t.Array.ElementTypeId;
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// bpf_core_type_matches: names match (flavors aside), kinds match (a struct behind a pointer
    /// may be a forward declaration), ints agree in size and sign, arrays in length, every local
    /// member and enumerator exists in the target with a matching type, prototypes agree.
    /// </summary>
    public static bool TypesMatch(Btf local, uint localId, Btf target, uint targetId, bool behindPointer = false, int level = MaxDepth)
    {
        if (level <= 0)
            throw TooDeep(local, localId);
        for (int depth = 0; ; depth++)
        {
            if (depth > MaxDepth)
                throw TooDeep(local, localId);
            var l = CoreAccessSpec.Resolve(local, localId, out localId);
            var t = CoreAccessSpec.Resolve(target, targetId, out targetId);
            if (!NamesMatch(l.IsVoid ? "" : l.Name, t.IsVoid ? "" : t.Name))
                return false;
            switch (l.Kind)
            {
                case BtfKind.Void:
                    return t.IsVoid;
                case BtfKind.Fwd:
                    if (behindPointer && t.Kind != BtfKind.Fwd)
                        return (t.Kind == BtfKind.Struct && !l.KindFlag) || (t.Kind == BtfKind.Union && l.KindFlag);
                    return t.Kind == BtfKind.Fwd && l.KindFlag == t.KindFlag;
                case BtfKind.Enum or BtfKind.Enum64:
                    return t.IsEnum && EnumsMatch(l, t);
                case BtfKind.Struct or BtfKind.Union:
                    if (behindPointer)
                        return l.Kind == t.Kind || (t.Kind == BtfKind.Fwd && (l.Kind == BtfKind.Union) == t.KindFlag);
                    return l.Kind == t.Kind && CompositesMatch(l, t, level);
                case BtfKind.Int:
                    return t.Kind == BtfKind.Int && l.Size == t.Size &&
                        (l.IntEncoding & BtfIntEncoding.Signed) == (t.IntEncoding & BtfIntEncoding.Signed);
                case BtfKind.Ptr:
                    if (t.Kind != BtfKind.Ptr)
                        return false;
                    behindPointer = true;
                    localId = l.TypeId;
                    targetId = t.TypeId;
                    continue;
                case BtfKind.Array:
                    if (t.Kind != BtfKind.Array || l.Array.Count != t.Array.Count)
                        return false;
                    localId = l.Array.ElementTypeId;
                    targetId = t.Array.ElementTypeId;
                    continue;
                case BtfKind.FuncProto:
                    if (t.Kind != BtfKind.FuncProto)
                        return false;
                    bool pointer = behindPointer;
                    if (!ParametersAgree(l, t, (localParam, targetParam) => TypesMatch(local, localParam, target, targetParam, pointer, level - 1)))
                        return false;
                    localId = l.TypeId;
                    targetId = t.TypeId;
                    continue;
                default:
                    return false;
            }
        }
    }

    // Prototypes: the same number of parameters, each pair accepted by `agree`.
    private static bool ParametersAgree(BtfType local, BtfType target, Func<uint, uint, bool> agree)
    {
        var localParams = local.Params;
        var targetParams = target.Params;
        if (localParams.Count != targetParams.Count)
            return false;
        for (int i = 0; i < localParams.Count; i++)
            if (!agree(localParams[i].TypeId, targetParams[i].TypeId))
                return false;
        return true;
    }

    // An anonymous target matches only an anonymous local; otherwise essential names must agree.
    private static bool NamesMatch(string local, string target) =>
        target.Length == 0 ? local.Length == 0 : CoreNames.HaveSameEssence(local, target);

    private static bool EnumsMatch(BtfType local, BtfType target)
    {
        if (local.Size != target.Size || local.Vlen > target.Vlen)
            return false;
        var targetValues = target.EnumValues;
        foreach (var value in local.EnumValues)
        {
            bool found = false;
            foreach (var candidate in targetValues)
                if (NamesMatch(value.Name, candidate.Name))
                {
                    found = true;
                    break;
                }
            if (!found)
                return false;
        }
        return true;
    }

    private static bool CompositesMatch(BtfType local, BtfType target, int level)
    {
        if (local.Vlen > target.Vlen)
            return false;
        var targetMembers = target.Members;
        foreach (var member in local.Members)
        {
            bool found = false;
            foreach (var candidate in targetMembers)
                if (NamesMatch(member.Name, candidate.Name) &&
                    TypesMatch(local.Owner, member.TypeId, target.Owner, candidate.TypeId, behindPointer: false, level - 1))
                {
                    found = true;
                    break;
                }
            if (!found)
                return false;
        }
        return true;
    }

    private static CoreRelocationException TooDeep(Btf btf, uint id) =>
        new($"CO-RE: comparing {btf.GetType(id)} with the kernel's type nests more than {MaxDepth} levels: the BTF is cyclic or hostile.");
}
