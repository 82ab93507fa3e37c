using Nectar.Btf;

namespace Nectar.Relocation;

/// <summary>One step of an access string: a named member of a struct or union, or an array index.</summary>
internal readonly record struct CoreAccessor(string? MemberName, int Index);

/// <summary>
/// A CO-RE access string ("0:1:2") resolved in the object's own BTF: the root type, the steps that
/// must be found again in the kernel (named members and array indices; anonymous members are
/// walked through but matched by the names inside them), and where the access lands locally.
/// </summary>
internal sealed class CoreAccessSpec
{
    private CoreAccessSpec(uint rootTypeId, int rootIndex, List<CoreAccessor> steps, string description)
    {
        RootTypeId = rootTypeId;
        RootIndex = rootIndex;
        Steps = steps;
        Description = description;
    }

    public uint RootTypeId { get; }

    /// <summary>The first number of the access string: an index into an array of the root type (usually 0).</summary>
    public int RootIndex { get; }

    public IReadOnlyList<CoreAccessor> Steps { get; }

    /// <summary>The access in C terms ("task_struct.real_parent.tgid", "enum bpf_func_id::BPF_FUNC_x").</summary>
    public string Description { get; }

    internal static CoreAccessSpec Parse(Btf.Btf btf, uint typeId, string accessString, CoreRelocationKind kind)
    {
        var numbers = accessString.Split(':').Select(part => int.TryParse(part, out int n) && n >= 0 ? n
            : throw new BtfException($"CO-RE access string '{accessString}' is not a list of non-negative numbers.")).ToArray();
        var root = btf.SkipModifiersAndTypedefs(typeId);
        // Errors speak of the kernel's type (task_struct), not the program's flavor (task_struct___old).
        string rootName = CoreCandidates.EssentialName(btf.GetType(typeId).Name);
        if (kind.IsEnumValue())
        {
            if (!root.IsEnum || numbers.Length != 1 || numbers[0] >= root.Vlen)
                throw new BtfException($"CO-RE enum relocation against {root} has access string '{accessString}', which names no enumerator.");
            string enumerator = root.EnumValues[numbers[0]].Name;
            return new CoreAccessSpec(typeId, 0, [new CoreAccessor(enumerator, numbers[0])], $"enum {rootName}::{enumerator}");
        }
        if (!kind.IsField())
            return new CoreAccessSpec(typeId, 0, [], rootName);

        var steps = new List<CoreAccessor>();
        var path = new List<string> { rootName };
        uint current = typeId;
        for (int i = 1; i < numbers.Length; i++)
        {
            var type = btf.SkipModifiersAndTypedefs(current);
            if (type.IsComposite)
            {
                if (numbers[i] >= type.Vlen)
                    throw new BtfException($"CO-RE access string '{accessString}' asks for member {numbers[i]} of {type}, which has {type.Vlen}.");
                var member = type.GetMember(numbers[i]);
                if (member.Name.Length > 0)
                {
                    steps.Add(new CoreAccessor(member.Name, numbers[i]));
                    path.Add("." + member.Name);
                }
                current = member.TypeId;
            }
            else if (type.Kind == BtfKind.Array)
            {
                steps.Add(new CoreAccessor(null, numbers[i]));
                path.Add($"[{numbers[i]}]");
                current = type.Array.ElementTypeId;
            }
            else
            {
                throw new BtfException($"CO-RE access string '{accessString}' goes into {type}, which has no members or elements.");
            }
        }
        return new CoreAccessSpec(typeId, numbers[0], steps, string.Concat(path));
    }
}
