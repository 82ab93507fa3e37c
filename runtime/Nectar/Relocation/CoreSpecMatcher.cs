using Nectar.Btf;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// Finds the object's access in one candidate kernel type: the same named members (searched
/// through anonymous structs and unions, wherever the kernel put them), array indices within
/// bounds, compatible field types. On success it yields the target spec, whose bit offset is where
/// the field really is; on failure, in words, what the kernel type lacks.
/// </summary>
internal static class CoreSpecMatcher
{
    public static CoreAccessSpec? Match(CoreAccessSpec local, Btf target, uint targetId, out string? missing)
    {
        missing = null;
        var spec = CoreAccessSpec.ForTarget(target, targetId, local.Kind);
        if (local.Kind.IsTypeBased())
        {
            bool matches = local.Kind == CoreRelocationKind.TypeMatches
                ? CoreTypeCompatibility.TypesMatch(local.Btf, local.RootTypeId, target, targetId)
                : CoreTypeCompatibility.TypesCompatible(local.Btf, local.RootTypeId, target, targetId);
            if (!matches)
                missing = local.Kind == CoreRelocationKind.TypeMatches ? "its layout does not match" : "it is a different kind of type";
            return matches ? spec : null;
        }
        if (local.Kind.IsEnumValueBased())
            return MatchEnumerator(local, spec, target, targetId, out missing);

        for (int i = 0; i < local.Accessors.Count; i++)
        {
            var accessor = local.Accessors[i];
            var type = CoreAccessSpec.Resolve(target, targetId, out targetId);
            if (accessor.Name is not null)
            {
                var localHolder = local.Btf.GetType(accessor.TypeId);
                var localMember = localHolder.GetMember(accessor.Index);
                if (!type.IsComposite)
                {
                    missing = $"{type} is not a struct or union";
                    return null;
                }
                switch (MatchMember(local.Btf, localMember, target, type, spec, out targetId))
                {
                    case MemberMatch.Missing:
                        missing = $"no field '{localMember.Name}' in {Describe(type)}";
                        return null;
                    case MemberMatch.Incompatible:
                        missing = $"field '{localMember.Name}' of {Describe(type)} has an incompatible type";
                        return null;
                }
            }
            else
            {
                // The first accessor indexes the root pointer itself; later ones index arrays.
                if (i > 0)
                {
                    if (type.Kind != BtfKind.Array)
                    {
                        missing = $"{Describe(type)} is not an array";
                        return null;
                    }
                    var array = type.Array;
                    if (!CoreAccessSpec.IsFlexibleArray(target, spec.Accessors[spec.Accessors.Count - 1], array) && (uint)accessor.Index >= array.Count)
                    {
                        missing = $"index {accessor.Index} is outside the array of {array.Count}";
                        return null;
                    }
                    CoreAccessSpec.Resolve(target, array.ElementTypeId, out targetId);
                }
                if (spec.Raw.Count == CoreAccessSpec.MaxLength)
                    throw TooDeep(local);
                spec.Accessors.Add(new CoreAccessor(targetId, accessor.Index, null));
                spec.Raw.Add(accessor.Index);
                spec.BitOffset += accessor.Index * CoreAccessSpec.SizeOf(target, targetId) * 8;
            }
        }
        return spec;
    }

    private enum MemberMatch { Missing, Incompatible, Found }

    // Depth-first through the target's members, descending into anonymous ones, keeping the raw
    // path and bit offset of the branch being tried; the first member with the name decides.
    private static MemberMatch MatchMember(Btf local, BtfMember localMember, Btf target, BtfType composite, CoreAccessSpec spec, out uint nextTypeId)
    {
        nextTypeId = 0;
        for (int i = 0; i < composite.Vlen; i++)
        {
            var member = composite.GetMember(i);
            if (spec.Raw.Count == CoreAccessSpec.MaxLength)
                throw new CoreRelocationException($"CO-RE: {composite} nests anonymous members more than {CoreAccessSpec.MaxLength} deep.");
            spec.BitOffset += member.BitOffset;
            spec.Raw.Add(i);
            if (member.Name.Length == 0)
            {
                var inner = CoreAccessSpec.Resolve(target, member.TypeId, out _);
                if (inner.IsComposite)
                {
                    var found = MatchMember(local, localMember, target, inner, spec, out nextTypeId);
                    if (found != MemberMatch.Missing)
                        return found;
                }
            }
            else if (member.Name == localMember.Name)
            {
                nextTypeId = member.TypeId;
                if (!CoreTypeCompatibility.FieldsCompatible(local, localMember.TypeId, target, member.TypeId))
                    return MemberMatch.Incompatible;
                spec.Accessors.Add(new CoreAccessor(composite.Id, i, member.Name));
                return MemberMatch.Found;
            }
            spec.BitOffset -= member.BitOffset;
            spec.Raw.RemoveAt(spec.Raw.Count - 1);
        }
        return MemberMatch.Missing;
    }

    private static CoreAccessSpec? MatchEnumerator(CoreAccessSpec local, CoreAccessSpec spec, Btf target, uint targetId, out string? missing)
    {
        var type = CoreAccessSpec.Resolve(target, targetId, out targetId);
        string name = local.Accessors[0].Name!;
        if (type.IsEnum)
        {
            var values = type.EnumValues;
            for (int i = 0; i < values.Count; i++)
                if (CoreNames.HaveSameEssence(name, values[i].Name))
                {
                    spec.Accessors.Add(new CoreAccessor(targetId, i, values[i].Name));
                    spec.Raw.Add(i);
                    missing = null;
                    return spec;
                }
        }
        missing = $"no enumerator {CoreNames.Essential(name)} in {Describe(type)}";
        return null;
    }

    private static string Describe(BtfType type) =>
        type.IsAnonymous ? $"an anonymous {CoreAccessSpec.KindWord(type)}" : $"{CoreAccessSpec.KindWord(type)} {type.Name}";

    private static CoreRelocationException TooDeep(CoreAccessSpec local) =>
        new($"CO-RE: the access {local.Describe()} nests more than {CoreAccessSpec.MaxLength} levels deep.");
}
