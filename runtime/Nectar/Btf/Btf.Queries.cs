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
                throw new BtfException($"Type {id} leads to a chain of more than {MaxChainDepth} modifiers or typedefs: the BTF is cyclic.");
            type = GetType(type.TypeId);
        }
        return type;
    }

    /// <summary>The size in bytes of any sized type (pointers are 8 bytes; BPF targets are 64-bit).</summary>
    public uint SizeOf(uint id)
    {
        uint multiplier = 1;
        for (int depth = 0; depth <= MaxChainDepth; depth++)
        {
            var type = SkipModifiersAndTypedefs(id);
            switch (type.Kind)
            {
                case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.Datasec:
                    return checked(multiplier * type.Size);
                case BtfKind.Ptr:
                    return checked(multiplier * 8);
                case BtfKind.Array:
                    var array = type.Array;
                    multiplier = checked(multiplier * array.Count);
                    id = array.ElementTypeId;
                    continue;
                case BtfKind.Var:
                    id = type.TypeId;
                    continue;
                default:
                    throw new BtfException($"{type} has no size.");
            }
        }
        throw new BtfException($"Type {id} nests arrays more than {MaxChainDepth} deep: the BTF is cyclic.");
    }

    /// <summary>
    /// The natural alignment of a type: the largest member alignment for composites, the element's
    /// for arrays, the size (at most 8) for scalars. Packed structs are aligned 1 by the compiler
    /// only when declared so; BTF does not record it, so this is the natural one.
    /// </summary>
    public uint AlignOf(uint id) => AlignOf(id, 0);

    private uint AlignOf(uint id, int depth)
    {
        if (depth > MaxChainDepth)
            throw new BtfException($"Type {id} nests more than {MaxChainDepth} levels deep: the BTF is cyclic.");
        var type = SkipModifiersAndTypedefs(id);
        switch (type.Kind)
        {
            case BtfKind.Int or BtfKind.Float:
                // __int128 and long double are 16-aligned on x86_64, arm64 and the BPF target.
                return Math.Min(Math.Max(type.Size, 1u), 16u);
            case BtfKind.Enum or BtfKind.Enum64:
                return Math.Min(Math.Max(type.Size, 1u), 8u);
            case BtfKind.Ptr:
                return 8;
            case BtfKind.Array:
                return AlignOf(type.Array.ElementTypeId, depth + 1);
            case BtfKind.Struct or BtfKind.Union:
                uint align = 1;
                for (int i = 0; i < type.Vlen; i++)
                    align = Math.Max(align, AlignOf(type.GetMemberTypeId(i), depth + 1));
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
        return FindMember(composite, name, 0, path, 0);
    }

    private BtfMember? FindMember(BtfType composite, string name, uint baseBitOffset, List<int>? path, int depth)
    {
        if (depth > MaxChainDepth)
            throw new BtfException($"{composite} nests anonymous members more than {MaxChainDepth} deep: the BTF is cyclic.");
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
                if (!inner.IsComposite)
                    continue;
                path?.Add(i);
                if (FindMember(inner, name, baseBitOffset + member.BitOffset, path, depth + 1) is { } found)
                    return found;
                path?.RemoveAt(path.Count - 1);
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
