using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace Nectar.Btf;

public sealed partial class Btf
{
    private BtfNameIndex? _nameIndex;

    /// <summary>
    /// The first type named <paramref name="name"/> of kind <paramref name="kind"/>, searching the base
    /// first for split BTF (as libbpf does); null when there is none.
    /// </summary>
    public BtfType? FindByName(string name, BtfKind kind)
    {
        if (Base?.FindByName(name, kind) is { } inBase)
            return inBase;
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        foreach (uint id in NameIndex.Candidates(utf8))
        {
            var type = GetType(id);
            if (type.Kind == kind)
                return type;
        }
        return null;
    }

    /// <summary>Every type with this name, of any kind, base types first.</summary>
    public IReadOnlyList<BtfType> FindAllByName(string name)
    {
        var found = new List<BtfType>();
        if (Base is not null)
            found.AddRange(Base.FindAllByName(name));
        foreach (uint id in NameIndex.Candidates(Encoding.UTF8.GetBytes(name)))
            found.Add(GetType(id));
        return found;
    }

    /// <summary>Like <see cref="FindByName"/>, but throws a BtfException with "did you mean" suggestions.</summary>
    public BtfType GetByName(string name, BtfKind kind) =>
        FindByName(name, kind) ?? throw new BtfException(BtfSuggestions.UnknownType(this, name, kind));

    private BtfNameIndex NameIndex
    {
        get
        {
            var index = Volatile.Read(ref _nameIndex);
            if (index is null)
            {
                index = new BtfNameIndex(this, _typeOffsets, FirstTypeId);
                index = Interlocked.CompareExchange(ref _nameIndex, index, null) ?? index;
            }
            return index;
        }
    }
}
