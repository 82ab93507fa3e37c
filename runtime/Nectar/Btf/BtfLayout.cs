using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Nectar.Btf;

/// <summary>One member of a flattened layout: its C name, bit offset from the start of the type, bit size, and whether it is a bitfield.</summary>
internal readonly record struct BtfLayoutMember(string Name, uint BitOffset, uint BitSize, bool IsBitfield);

/// <summary>
/// The layout of a struct or union as the members C code can name: anonymous struct and union
/// members are flattened into their parent (as <c>task->pid</c> reaches through an anonymous union),
/// named members are leaves (a by-value struct is one leaf of its size). The generator writes it
/// into every kernel type it emits (<see cref="Format"/>) and the runtime compares it with the
/// running kernel's (<see cref="Flatten"/> on vmlinux BTF) to decode snapshots on any kernel.
/// </summary>
internal static class BtfLayout
{
    /// <summary>The members of composite <paramref name="id"/>, anonymous members flattened, in BTF order.</summary>
    public static List<BtfLayoutMember> Flatten(Btf btf, uint id)
    {
        var members = new List<BtfLayoutMember>();
        FlattenInto(btf, btf.SkipModifiersAndTypedefs(id), 0, members, 0);
        return members;
    }

    private static void FlattenInto(Btf btf, BtfType composite, uint baseBits, List<BtfLayoutMember> into, int depth)
    {
        if (!composite.IsComposite) throw new BtfException($"{composite} is not a struct or union, so it has no member layout.");
        if (depth > Btf.MaxChainDepth) throw Btf.Cyclic(composite, $"it nests anonymous members more than {Btf.MaxChainDepth} deep");
        for (int i = 0; i < composite.Vlen; i++)
        {
            BtfMember m = composite.GetMember(i);
            BtfType type = btf.SkipModifiersAndTypedefs(m.TypeId);
            if (m.Name.Length == 0)
            {
                if (type.IsComposite) FlattenInto(btf, type, baseBits + m.BitOffset, into, depth + 1);
                continue; // unnamed bitfield padding: nothing to read
            }
            uint bits = m.IsBitfield ? m.BitfieldSize : FlexibleOrSize(btf, m.TypeId) * 8;
            into.Add(new BtfLayoutMember(m.Name, baseBits + m.BitOffset, bits, m.IsBitfield));
        }
    }

    private static uint FlexibleOrSize(Btf btf, uint typeId)
    {
        BtfType t = btf.SkipModifiersAndTypedefs(typeId);
        return t.Kind == BtfKind.Array && t.Array.Count == 0 ? 0 : btf.SizeOf(typeId);
    }

    /// <summary>
    /// The text form: <c>size=408;vma@0:64;...;have_execfd@320:1b</c>: the size in bytes, then per
    /// member its name, bit offset and bit size (<c>b</c> marks a bitfield).
    /// </summary>
    public static string Format(uint size, IEnumerable<BtfLayoutMember> members)
    {
        var text = new StringBuilder("size=").Append(size.ToString(CultureInfo.InvariantCulture));
        foreach (BtfLayoutMember m in members)
            text.Append(';').Append(m.Name).Append('@').Append(m.BitOffset.ToString(CultureInfo.InvariantCulture))
                .Append(':').Append(m.BitSize.ToString(CultureInfo.InvariantCulture)).Append(m.IsBitfield ? "b" : "");
        return text.ToString();
    }

    /// <summary>Parses <see cref="Format"/>'s text; a <see cref="FormatException"/> names the bad part.</summary>
    public static (uint Size, List<BtfLayoutMember> Members) Parse(string text)
    {
        string[] parts = text.Split(';');
        if (!parts[0].StartsWith("size=", StringComparison.Ordinal) || !uint.TryParse(parts[0].Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out uint size))
            throw new FormatException($"A kernel type layout starts with 'size=<bytes>', not '{parts[0]}'.");
        var members = new List<BtfLayoutMember>(parts.Length - 1);
        for (int i = 1; i < parts.Length; i++)
        {
            string p = parts[i];
            int at = p.LastIndexOf('@'), colon = p.LastIndexOf(':');
            bool bitfield = p.EndsWith("b", StringComparison.Ordinal);
            string bitsText = colon < 0 ? "" : p.Substring(colon + 1, p.Length - colon - 1 - (bitfield ? 1 : 0));
            if (at <= 0 || colon < at
                || !uint.TryParse(p.Substring(at + 1, colon - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint offset)
                || !uint.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out uint bits))
                throw new FormatException($"A kernel type layout member is 'name@bitoffset:bits', not '{p}'.");
            members.Add(new BtfLayoutMember(p.Substring(0, at), offset, bits, bitfield));
        }
        return (size, members);
    }
}
