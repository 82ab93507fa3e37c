using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Nectar.Btf;

/// <summary>
/// The layout half of the C dump. BTF records where each member is, not how the source got it
/// there (packed, aligned(N), explicit padding). So the dump places members as a C compiler would
/// (System V rules, which the BPF target shares), and where that would not land on BTF's offsets it
/// marks the struct packed and fills gaps with unnamed bitfields, which occupy space without
/// changing the struct's alignment.
/// </summary>
internal sealed partial class BtfCDumper
{
    private readonly struct Layout
    {
        internal readonly bool Packed;
        internal readonly uint Alignment; // bytes, as the written C declaration will have it

        internal Layout(bool packed, uint alignment)
        {
            Packed = packed;
            Alignment = alignment;
        }
    }

    private readonly Dictionary<uint, Layout> _layouts = new();
    private readonly HashSet<uint> _layoutsInProgress = new();

    private Layout LayoutOf(BtfType composite)
    {
        if (_layouts.TryGetValue(composite.Id, out var known))
            return known;
        if (!_layoutsInProgress.Add(composite.Id))
            throw Btf.Cyclic(composite, "it contains itself by value, which C cannot express");
        Enter(composite);
        uint alignment = 1;
        for (int i = 0; i < composite.Vlen; i++)
            alignment = Math.Max(alignment, AlignmentOf(composite.GetMemberTypeId(i)));
        bool packed = composite.Size % alignment != 0;
        if (!packed && composite.Kind == BtfKind.Struct)
        {
            ulong end = 0;
            for (int i = 0; i < composite.Vlen && !packed; i++)
            {
                var member = composite.GetMember(i);
                uint unit = AlignmentOf(member.TypeId) * 8;
                packed = member.BitOffset < NaturalPosition(end, member, unit) || (!member.IsBitfield && member.BitOffset % unit != 0);
                end = member.BitOffset + WidthOf(member);
            }
        }
        Leave();
        _layoutsInProgress.Remove(composite.Id);
        var layout = new Layout(packed, packed ? 1 : alignment);
        _layouts[composite.Id] = layout;
        return layout;
    }

    /// <summary>The alignment in bytes of the C declaration the dump writes for this type.</summary>
    private uint AlignmentOf(uint id)
    {
        var type = _btf.SkipModifiersAndTypedefs(id);
        if (Btf.ScalarAlignment(type) is { } scalar)
            return scalar;
        switch (type.Kind)
        {
            case BtfKind.Array:
                Enter(type);
                uint element = AlignmentOf(type.Array.ElementTypeId);
                Leave();
                return element;
            case BtfKind.Struct or BtfKind.Union:
                return LayoutOf(type).Alignment;
            default:
                throw new BtfException($"{type} is held by value but has no layout (it is incomplete or not a data type).");
        }
    }

    /// <summary>Where a C compiler puts the member after <paramref name="end"/> in a struct that is not packed.</summary>
    private static ulong NaturalPosition(ulong end, BtfMember member, uint unitBits)
    {
        if (!member.IsBitfield)
            return AlignUp(end, unitBits);
        // A bitfield does not straddle a boundary of its type's alignment unit.
        return end / unitBits == (end + member.BitfieldSize - 1) / unitBits ? end : AlignUp(end, unitBits);
    }

    private ulong WidthOf(BtfMember member) => member.IsBitfield ? member.BitfieldSize : (ulong)_btf.SizeOf(member.TypeId) * 8;

    private static ulong AlignUp(ulong value, uint unit) => unit == 0 ? value : (value + unit - 1) / unit * unit;

    private void WriteMembers(BtfType composite, Layout layout, int indent, StringBuilder text)
    {
        bool isStruct = composite.Kind == BtfKind.Struct;
        ulong end = 0;
        for (int i = 0; i < composite.Vlen; i++)
        {
            var member = composite.GetMember(i);
            if (isStruct)
            {
                uint unit = layout.Packed ? 8 : AlignmentOf(member.TypeId) * 8;
                ulong natural = layout.Packed ? end : NaturalPosition(end, member, unit);
                if (member.BitOffset > natural)
                    WritePadding(end, member.BitOffset, indent, text);
            }
            string line = Declaration(member.TypeId, member.Name, indent);
            if (member.IsBitfield)
                line += ": " + member.BitfieldSize.ToString(CultureInfo.InvariantCulture);
            AppendMemberLine(text, indent, line);
            end = isStruct ? member.BitOffset + WidthOf(member) : Math.Max(end, WidthOf(member));
        }
        ulong size = (ulong)composite.Size * 8;
        if (isStruct && end < size && AlignUp(end, layout.Alignment * 8) != size)
            WritePadding(end, size, indent, text);
    }

    /// <summary>Unnamed bitfields from bit <paramref name="from"/> to <paramref name="to"/>, none straddling its type's unit.</summary>
    private void WritePadding(ulong from, ulong to, int indent, StringBuilder text)
    {
        while (from < to)
        {
            ulong bits;
            string type;
            if (from % 8 != 0)
            {
                bits = Math.Min(to - from, 8 - from % 8);
                type = "char";
            }
            else if (from % 64 == 0 && to - from >= 64)
                (bits, type) = (64, "long");
            else if (from % 32 == 0 && to - from >= 32)
                (bits, type) = (32, "int");
            else if (from % 16 == 0 && to - from >= 16)
                (bits, type) = (16, "short");
            else
                (bits, type) = (Math.Min(to - from, 8), "char");
            AppendMemberLine(text, indent, type + ": " + bits.ToString(CultureInfo.InvariantCulture));
            from += bits;
        }
    }
}
