using System.Globalization;
using System.Text;
using Nectar.Btf;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// One step of an access that matters across kernels: a named member (Name set; TypeId is the
/// struct or union that holds it, Index the member's position there) or an array index (Name
/// null; TypeId is the element type). Anonymous members are steps of the raw access string only.
/// </summary>
internal readonly record struct CoreAccessor(uint TypeId, int Index, string? Name);

/// <summary>
/// An access string walked through one BTF: the raw indices, the meaningful steps
/// (<see cref="CoreAccessor"/>), and the bit offset they reach from the root pointer. The local
/// spec is parsed from the object's BTF; a target spec is the same access matched in a kernel type.
/// </summary>
internal sealed class CoreAccessSpec
{
    // libbpf's BPF_CORE_SPEC_MAX_LEN: deeper nesting is refused rather than walked.
    internal const int MaxLength = 64;

    private readonly string _accessString;

    private CoreAccessSpec(Btf btf, uint rootTypeId, CoreRelocationKind kind, string accessString = "")
    {
        _accessString = accessString;
        Btf = btf;
        RootTypeId = rootTypeId;
        Kind = kind;
    }

    public Btf Btf { get; }

    public uint RootTypeId { get; }

    public CoreRelocationKind Kind { get; }

    public List<int> Raw { get; } = [];

    public List<CoreAccessor> Accessors { get; } = [];

    public long BitOffset { get; set; }

    /// <summary>Walks a relocation's access string through the object's own BTF.</summary>
    public static CoreAccessSpec Parse(Btf btf, CoreRelocation relocation)
    {
        var spec = new CoreAccessSpec(btf, relocation.TypeId, relocation.Kind, relocation.AccessString);
        string access = relocation.AccessString;
        if (access.Length == 0 || access[0] == ':')
            throw spec.Invalid("the access string is empty or starts with ':'");
        if (relocation.Kind.IsTypeBased())
            return access == "0" ? spec : throw spec.Invalid("a type relocation's access string must be \"0\"");

        foreach (string part in access.Split(':'))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                throw spec.Invalid($"'{part}' is not an index");
            if (spec.Raw.Count == MaxLength)
                throw spec.Invalid($"it is nested more than {MaxLength} levels deep");
            spec.Raw.Add(index);
        }

        var root = Resolve(btf, relocation.TypeId, out uint id);
        int first = spec.Raw[0];
        if (relocation.Kind.IsEnumValueBased())
        {
            if (!root.IsEnum || spec.Raw.Count > 1 || first >= root.Vlen)
                throw spec.Invalid($"it does not name an enumerator of {root}");
            spec.Accessors.Add(new CoreAccessor(id, first, root.EnumValues[first].Name));
            return spec;
        }

        spec.Accessors.Add(new CoreAccessor(id, first, null));
        spec.BitOffset = (long)first * SizeOf(btf, id) * 8;
        for (int i = 1; i < spec.Raw.Count; i++)
        {
            var type = Resolve(btf, id, out id);
            int index = spec.Raw[i];
            if (type.IsComposite)
            {
                if (index >= type.Vlen)
                    throw spec.Invalid($"{type} has no member #{index}");
                var member = type.GetMember(index);
                spec.BitOffset += member.BitOffset;
                if (member.Name.Length > 0)
                    spec.Accessors.Add(new CoreAccessor(id, index, member.Name));
                id = member.TypeId;
            }
            else if (type.Kind == BtfKind.Array)
            {
                var array = type.Array;
                Resolve(btf, array.ElementTypeId, out id);
                if (!IsFlexibleArray(btf, spec.Accessors[spec.Accessors.Count - 1], array) && (uint)index >= array.Count)
                    throw spec.Invalid($"index {index} is outside {type} of {array.Count} elements");
                spec.Accessors.Add(new CoreAccessor(id, index, null));
                spec.BitOffset += (long)index * SizeOf(btf, id) * 8;
            }
            else
            {
                throw spec.Invalid($"step {i} reaches {type}, which is neither a struct, a union nor an array");
            }
        }
        return spec;
    }

    /// <summary>An empty target spec, filled in by <see cref="CoreSpecMatcher"/>.</summary>
    public static CoreAccessSpec ForTarget(Btf btf, uint rootTypeId, CoreRelocationKind kind) => new(btf, rootTypeId, kind);

    /// <summary>The type with modifiers and typedefs skipped, and its id.</summary>
    public static BtfType Resolve(Btf btf, uint typeId, out uint resolvedId)
    {
        var type = btf.SkipModifiersAndTypedefs(typeId);
        resolvedId = type.Id;
        return type;
    }

    /// <summary>A type's size in bytes (libbpf's btf__resolve_size).</summary>
    public static long SizeOf(Btf btf, uint typeId)
    {
        try
        {
            return btf.SizeOf(typeId);
        }
        catch (Exception e) when (e is BtfException or OverflowException)
        {
            throw new CoreRelocationException($"CO-RE: {btf.GetType(typeId)} has no usable size: {e.Message}");
        }
    }

    /// <summary>A zero-length array as the last member of a struct, indexable past its declared end.</summary>
    public static bool IsFlexibleArray(Btf btf, CoreAccessor holder, BtfArrayInfo array) =>
        holder.Name is not null && array.Count == 0 && holder.Index == btf.GetType(holder.TypeId).Vlen - 1;

    /// <summary>
    /// The access in C terms: "task_struct.real_parent.tgid", "pid_type::PIDTYPE_TGID",
    /// "struct task_struct" for type relocations.
    /// </summary>
    public string Describe()
    {
        var root = Btf.GetType(RootTypeId);
        string name = root.IsAnonymous ? "<anonymous>" : root.Name;
        if (Kind.IsTypeBased())
            return $"{KindWord(root)} {name}";
        if (Kind.IsEnumValueBased())
            return $"{name}::{Accessors[0].Name}";
        var text = new StringBuilder(name);
        for (int i = 0; i < Accessors.Count; i++)
        {
            var accessor = Accessors[i];
            if (accessor.Name is not null)
                text.Append('.').Append(accessor.Name);
            else if (i > 0 || accessor.Index > 0)
                text.Append('[').Append(accessor.Index).Append(']');
        }
        return text.ToString();
    }

    internal static string KindWord(BtfType type) => type.Kind switch
    {
        BtfKind.Struct => "struct",
        BtfKind.Union => "union",
        BtfKind.Enum or BtfKind.Enum64 => "enum",
        BtfKind.Typedef => "typedef",
        BtfKind.Fwd => type.IsForwardUnion ? "union" : "struct",
        _ => type.Kind.ToString().ToLowerInvariant(),
    };

    private CoreRelocationException Invalid(string why)
    {
        var root = Btf.GetType(RootTypeId);
        return new CoreRelocationException(
            $"CO-RE relocation of {root} with access string '{_accessString}' ({Kind}) is malformed: {why}. " +
            "The object's .BTF/.BTF.ext disagree; recompile it with the clang that built it.");
    }
}
