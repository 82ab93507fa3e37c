using Nectar.Btf;

namespace Nectar.Relocation;

/// <summary>
/// bpf_core_type_matches: whether a local type's shape holds in the kernel, more strictly than
/// "exists": every member of a local struct or union is in the kernel's (by name, with matching
/// types), every local enumerator is in the kernel's enum, integers agree on size and signedness,
/// pointers and arrays match by what they point to or hold.
/// </summary>
internal static class CoreTypeMatch
{
    internal static bool Matches(Btf.Btf local, uint localId, Btf.Btf target, uint targetId, int depth = 0)
    {
        if (depth > Btf.Btf.MaxChainDepth)
            return false;
        var l = local.SkipModifiersAndTypedefs(localId);
        var t = target.SkipModifiersAndTypedefs(targetId);
        if (!l.IsAnonymous && CoreCandidates.EssentialName(l.Name) != t.Name && l.Kind is not (BtfKind.Int or BtfKind.Float))
            return false;
        switch (l.Kind)
        {
            case BtfKind.Struct or BtfKind.Union:
                if (t.Kind != l.Kind)
                    return false;
                foreach (var member in l.Members)
                {
                    if (target.FindMember(t.Id, member.Name) is not { } found ||
                        !Matches(local, member.TypeId, target, found.TypeId, depth + 1))
                        return false;
                }
                return true;
            case BtfKind.Enum or BtfKind.Enum64:
                if (!t.IsEnum)
                    return false;
                var names = t.EnumValues.Select(v => v.Name).ToHashSet();
                return l.EnumValues.All(v => names.Contains(CoreCandidates.EssentialName(v.Name)));
            case BtfKind.Int:
                return t.Kind == BtfKind.Int && t.Size == l.Size && t.IsSigned == l.IsSigned;
            case BtfKind.Ptr:
                return t.Kind == BtfKind.Ptr && Matches(local, l.TypeId, target, t.TypeId, depth + 1);
            case BtfKind.Array:
                return t.Kind == BtfKind.Array && t.Array.Count == l.Array.Count &&
                    Matches(local, l.Array.ElementTypeId, target, t.Array.ElementTypeId, depth + 1);
            case BtfKind.Fwd:
                return t.IsComposite || t.Kind == BtfKind.Fwd;
            default:
                return t.Kind == l.Kind;
        }
    }
}
