using Nectar.Btf;

namespace Nectar.Relocation;

/// <summary>
/// The kernel types a local type may stand for: same kind (enum and enum64 count as one), same
/// essential name, that is the name without a "___flavor" suffix (task_struct___old matches
/// task_struct). Searched in vmlinux first; module BTF only when vmlinux has none, as libbpf does.
/// </summary>
internal static class CoreCandidates
{
    internal static string EssentialName(string name)
    {
        int flavor = name.IndexOf("___", StringComparison.Ordinal);
        return flavor > 0 ? name[..flavor] : name;
    }

    internal static List<BtfType> Find(Btf.Btf localBtf, uint localTypeId, IEnumerable<Btf.Btf> targets)
    {
        var local = localBtf.GetType(localTypeId);
        string essential = EssentialName(local.Name);
        var found = new List<BtfType>();
        if (essential.Length == 0)
            return found;
        foreach (var target in targets)
        {
            foreach (var candidate in target.FindAllByName(essential))
            {
                if (SameKind(local, candidate) && !found.Contains(candidate))
                    found.Add(candidate);
            }
            if (found.Count > 0)
                break;
        }
        return found;
    }

    private static bool SameKind(BtfType local, BtfType target) =>
        local.Kind == target.Kind || (local.IsEnum && target.IsEnum);

    /// <summary>
    /// Whether a field's type in the object may be read as the kernel's (libbpf's field compatibility):
    /// composites with composites, integers and enums with each other, pointers with pointers,
    /// arrays with arrays of compatible elements, floats with floats.
    /// </summary>
    internal static bool FieldsCompatible(Btf.Btf localBtf, uint localId, Btf.Btf targetBtf, uint targetId, int depth = 0)
    {
        var local = localBtf.SkipModifiersAndTypedefs(localId);
        var target = targetBtf.SkipModifiersAndTypedefs(targetId);
        if (depth > Btf.Btf.MaxChainDepth)
            return false;
        return local.Kind switch
        {
            BtfKind.Struct or BtfKind.Union or BtfKind.Fwd => target.IsComposite || target.Kind == BtfKind.Fwd,
            BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 => target.Kind == BtfKind.Int || target.IsEnum,
            BtfKind.Ptr => target.Kind == BtfKind.Ptr,
            BtfKind.Float => target.Kind == BtfKind.Float,
            BtfKind.Array => target.Kind == BtfKind.Array &&
                FieldsCompatible(localBtf, local.Array.ElementTypeId, targetBtf, target.Array.ElementTypeId, depth + 1),
            _ => false,
        };
    }
}
