using System;
using System.Collections.Generic;
using System.Text;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Nectar.Btf;

public sealed partial class Btf
{
    // A loader looks up a handful of names; building the index touches every name in the blob
    // (the kernel's: ~100,000), which costs more than a few scans. So the first lookups scan, and
    // the index is built when lookups keep coming (the generator makes thousands).
    private const int LookupsBeforeIndex = 8;

    private BtfNameIndex? _nameIndex;
    private int _lookupsWithoutIndex;

    /// <summary>
    /// The first type named <paramref name="name"/> of kind <paramref name="kind"/>, searching the base
    /// first for split BTF (as libbpf does); null when there is none.
    /// </summary>
    public BtfType? FindByName(string name, BtfKind kind)
    {
        if (Base?.FindByName(name, kind) is { } inBase)
            return inBase;
        foreach (uint id in Candidates(Encoding.UTF8.GetBytes(name)))
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
        foreach (uint id in Candidates(Encoding.UTF8.GetBytes(name)))
            found.Add(GetType(id));
        return found;
    }

    /// <summary>Like <see cref="FindByName"/>, but throws a BtfException with "did you mean" suggestions.</summary>
    public BtfType GetByName(string name, BtfKind kind) =>
        FindByName(name, kind) ?? throw new BtfException(BtfSuggestions.UnknownType(this, name, kind));

    /// <summary>Builds the name index now, ahead of many lookups (it is otherwise built after the first few).</summary>
    public void BuildNameIndex() => _ = NameIndex;

    /// <summary>The ids of this blob's own types named <paramref name="utf8"/>, ascending.</summary>
    private List<uint> Candidates(byte[] utf8)
    {
        if (utf8.Length == 0)
            return new List<uint>(); // anonymous types are not found by name
        if (Volatile.Read(ref _nameIndex) is null && Interlocked.Increment(ref _lookupsWithoutIndex) <= LookupsBeforeIndex)
            return ScanForName(utf8);
        return NameIndex.Candidates(utf8);
    }

    /// <summary>
    /// A lookup without the index: the offsets where the name is a whole string (here and, for split
    /// BTF, in the base, whose strings module types may use), then the types with one of those offsets.
    /// </summary>
    [MethodImpl(BtfRecord.OptimizeAtOnce)]
    private List<uint> ScanForName(byte[] utf8)
    {
        var pattern = new byte[utf8.Length + 1];
        utf8.CopyTo(pattern, 0);
        var nameOffsets = new List<uint>(1);
        for (var btf = this; btf is not null; btf = btf.Base)
            btf.FindWholeStrings(pattern, nameOffsets);
        var ids = new List<uint>(1);
        if (nameOffsets.Count == 0)
            return ids;
        for (int i = 0; i < _typeOffsets.Length; i++)
        {
            uint nameOffset = ReadUInt32(_typeOffsets[i]);
            foreach (uint wanted in nameOffsets)
            {
                if (nameOffset == wanted)
                {
                    ids.Add(FirstTypeId + (uint)i);
                    break;
                }
            }
        }
        return ids;
    }

    /// <summary>Adds the offsets of this blob's strings equal to <paramref name="terminated"/> (a NUL-terminated name).</summary>
    private void FindWholeStrings(byte[] terminated, List<uint> offsets)
    {
        var strings = _bytes.Span.Slice(_stringStart, _stringLength);
        for (int from = 0; from < strings.Length;)
        {
            int found = strings.Slice(from).IndexOf(terminated);
            if (found < 0)
                return;
            int at = from + found;
            if (at == 0 || strings[at - 1] == 0)
                offsets.Add(_stringBase + (uint)at);
            from = at + 1;
        }
    }

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
