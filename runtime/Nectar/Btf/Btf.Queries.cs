using System;
using System.Collections.Generic;

namespace Nectar.Btf;

public sealed partial class Btf
{
    // A chain of modifiers/typedefs/arrays longer than this is cyclic or hostile; real BTF
    // needs a handful of hops.
    internal const int MaxChainDepth = 64;

    /// <summary>Follows const/volatile/restrict/type_tag to the type they modify.</summary>
    public BtfType SkipModifiers(uint id) => Skip(id, typedefs: false);

    /// <summary>Follows modifiers and typedefs to the underlying type (libbpf's btf__resolve_type without arrays).</summary>
    public BtfType SkipModifiersAndTypedefs(uint id) => Skip(id, typedefs: true);

    private BtfType Skip(uint id, bool typedefs)
    {
        var type = GetType(id);
        for (int depth = 0; type.IsModifier || (typedefs && type.Kind == BtfKind.Typedef); depth++)
        {
            if (depth == MaxChainDepth)
                throw Cyclic(GetType(id), $"it leads to a chain of more than {MaxChainDepth} modifiers or typedefs");
            type = GetType(type.TypeId);
        }
        return type;
    }

    /// <summary>The size in bytes of any sized type (pointers are 8 bytes; BPF targets are 64-bit).</summary>
    public uint SizeOf(uint id)
    {
        var start = GetType(id);
        ulong multiplier = 1;
        Span<uint> arrays = stackalloc uint[MaxChainDepth + 1];
        for (int depth = 0; depth <= MaxChainDepth; depth++)
        {
            var type = SkipModifiersAndTypedefs(id);
            switch (type.Kind)
            {
                case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.Datasec:
                    return CheckedSize(start, multiplier * type.Size);
                case BtfKind.Ptr:
                    return CheckedSize(start, multiplier * 8);
                case BtfKind.Array:
                    if (arrays.Slice(0, depth).IndexOf(type.Id) >= 0)
                        throw Cyclic(type, "the array contains itself");
                    arrays[depth] = type.Id;
                    var array = type.Array;
                    multiplier = CheckedSize(start, multiplier * array.Count);
                    id = array.ElementTypeId;
                    continue;
                case BtfKind.Var:
                    id = type.TypeId;
                    continue;
                default:
                    throw new BtfException($"{type} has no size.");
            }
        }
        throw Cyclic(start, $"it nests arrays more than {MaxChainDepth} deep");
    }

    private static uint CheckedSize(BtfType type, ulong size) => size <= uint.MaxValue
        ? (uint)size
        : throw BtfException.At(type.RecordOffset, $"the size of {type} overflows 4 GiB (array counts multiply past what BTF can describe).");

    /// <summary>"Malformed BTF at byte offset X: [id] Kind 'name' is cyclic: why." (for split BTF, the offset is in the blob that holds the type).</summary>
    internal static BtfException Cyclic(BtfType type, string why) => BtfException.At(type.RecordOffset, $"{type} is cyclic: {why}.");

    /// <summary>The alignment of an integer, float, enum or pointer (the kinds whose size says it); null for other kinds.</summary>
    internal static uint? ScalarAlignment(BtfType type) => type.Kind switch
    {
        // __int128 and long double are 16-aligned on x86_64, arm64 and the BPF target.
        BtfKind.Int or BtfKind.Float => Math.Min(Math.Max(type.Size, 1u), 16u),
        BtfKind.Enum or BtfKind.Enum64 => Math.Min(Math.Max(type.Size, 1u), 8u),
        BtfKind.Ptr => 8u,
        _ => null,
    };

    /// <summary>
    /// The natural alignment of a type: the largest member alignment for composites, the element's
    /// for arrays, the size (at most 16) for scalars. Packed structs are aligned 1 by the compiler
    /// only when declared so; BTF does not record it, so this is the natural one.
    /// </summary>
    public uint AlignOf(uint id) => AlignOf(id, new Dictionary<uint, uint>(), 0);

    // known: alignments computed in this call (0 while in progress), so shared members cost once and a
    // struct holding itself by value is found rather than recursed into without end.
    private uint AlignOf(uint id, Dictionary<uint, uint> known, int depth)
    {
        var type = SkipModifiersAndTypedefs(id);
        if (depth > MaxChainDepth)
            throw Cyclic(type, $"it nests more than {MaxChainDepth} levels deep");
        if (ScalarAlignment(type) is { } scalar)
            return scalar;
        switch (type.Kind)
        {
            case BtfKind.Array:
                return AlignOf(type.Array.ElementTypeId, known, depth + 1);
            case BtfKind.Struct or BtfKind.Union:
                if (known.TryGetValue(type.Id, out uint done))
                    return done != 0 ? done : throw Cyclic(type, "it contains itself by value");
                known[type.Id] = 0;
                uint align = 1;
                for (int i = 0; i < type.Vlen; i++)
                    align = Math.Max(align, AlignOf(type.GetMemberTypeId(i), known, depth + 1));
                known[type.Id] = align;
                return align;
            default:
                throw new BtfException($"{type} has no alignment.");
        }
    }

    /// <summary>
    /// Finds a member by name in a struct or union, also inside anonymous struct and union members
    /// (as C lets you write task->pid through an anonymous union). The path lists the member indices
    /// walked, outermost first; the returned member's offset is from the start of <paramref name="compositeId"/>.
    /// </summary>
    public BtfMember? FindMember(uint compositeId, string name, List<int>? path = null)
    {
        var composite = SkipModifiersAndTypedefs(compositeId);
        if (!composite.IsComposite)
            throw new BtfException($"{composite} is not a struct or union, so it has no member '{name}'.");
        return FindMember(composite, name, 0, path, new AnonymousSearch());
    }

    // The anonymous composites being searched (a repeat is a cycle) and those already searched in
    // vain (shared ones are searched once, so hostile BTF cannot make the search exponential).
    private sealed class AnonymousSearch
    {
        internal readonly HashSet<uint> OnPath = new();
        internal readonly HashSet<uint> Exhausted = new();
    }

    private BtfMember? FindMember(BtfType composite, string name, uint baseBitOffset, List<int>? path, AnonymousSearch search)
    {
        if (search.OnPath.Count > MaxChainDepth)
            throw Cyclic(composite, $"it nests anonymous members more than {MaxChainDepth} deep");
        for (int i = 0; i < composite.Vlen; i++)
        {
            var member = composite.GetMember(i);
            if (member.Name == name)
            {
                path?.Add(i);
                return member with { BitOffset = baseBitOffset + member.BitOffset };
            }
            if (member.Name.Length == 0)
            {
                var inner = SkipModifiersAndTypedefs(member.TypeId);
                if (!inner.IsComposite || search.Exhausted.Contains(inner.Id))
                    continue;
                if (!search.OnPath.Add(inner.Id))
                    throw Cyclic(inner, "it contains itself through anonymous members");
                path?.Add(i);
                if (FindMember(inner, name, baseBitOffset + member.BitOffset, path, search) is { } found)
                    return found;
                path?.RemoveAt(path.Count - 1);
                search.OnPath.Remove(inner.Id);
                search.Exhausted.Add(inner.Id);
            }
        }
        return null;
    }

    /// <summary>
    /// The function prototype of a raw tracepoint: BTF describes each as a typedef
    /// <c>btf_trace_NAME</c> to a pointer to a FUNC_PROTO whose first parameter is the
    /// <c>void *__data</c> cookie, followed by the TP_PROTO arguments. Null when there is none.
    /// </summary>
    public BtfType? FindRawTracepointPrototype(string tracepoint)
    {
        if (FindByName("btf_trace_" + tracepoint, BtfKind.Typedef) is not { } typedef)
            return null;
        var pointer = SkipModifiersAndTypedefs(typedef.TypeId);
        if (pointer.Kind != BtfKind.Ptr)
            return null;
        var prototype = SkipModifiers(pointer.TypeId);
        return prototype.Kind == BtfKind.FuncProto ? prototype : null;
    }

    /// <summary>The raw tracepoint's arguments: the prototype's parameters without the leading __data cookie.</summary>
    public IReadOnlyList<BtfParam>? FindRawTracepointArguments(string tracepoint)
    {
        if (FindRawTracepointPrototype(tracepoint) is not { } prototype)
            return null;
        var parameters = prototype.Params;
        var arguments = new BtfParam[Math.Max(0, parameters.Count - 1)];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = parameters[i + 1];
        return arguments;
    }
}
