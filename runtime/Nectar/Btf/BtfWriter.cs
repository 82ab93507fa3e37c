using System;
using System.Collections.Generic;

namespace Nectar.Btf;

/// <summary>
/// Serializes BTF to the raw format the kernel's BPF_BTF_LOAD, bpftool and libbpf read: a whole
/// BTF (split BTF stays split over the same base), or the closure of some root types as a
/// standalone blob with ids renumbered from 1. Strings are deduplicated in both cases.
/// </summary>
public static class BtfWriter
{
    /// <summary>Every type of <paramref name="btf"/> with the same ids; split BTF is written as split BTF over its base.</summary>
    public static byte[] Write(Btf btf)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        var builder = new BtfBuilder(btf.Base);
        var copier = new RecordCopier(builder, idMap: null);
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
            copier.Copy(btf.GetType(id));
        return builder.ToArray();
    }

    /// <summary>
    /// The types <paramref name="roots"/> and everything they refer to, as standalone BTF (base types
    /// of split BTF included). Ids are renumbered from 1 in the original order; <paramref name="newIds"/>
    /// maps each original id to its new one.
    /// </summary>
    public static byte[] WriteClosure(Btf btf, IEnumerable<uint> roots, out IReadOnlyDictionary<uint, uint> newIds)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        var ids = btf.Closure(roots);
        var map = new Dictionary<uint, uint>(ids.Count + 1) { [0] = 0 };
        for (int i = 0; i < ids.Count; i++)
            map[ids[i]] = (uint)i + 1;
        var builder = new BtfBuilder();
        var copier = new RecordCopier(builder, map);
        foreach (uint id in ids)
            copier.Copy(btf.GetType(id));
        newIds = map;
        return builder.ToArray();
    }

    /// <inheritdoc cref="WriteClosure(Btf, IEnumerable{uint}, out IReadOnlyDictionary{uint, uint})"/>
    public static byte[] WriteClosure(Btf btf, IEnumerable<uint> roots) => WriteClosure(btf, roots, out _);

    /// <summary>Copies records into a builder, re-adding their names and renumbering their type ids.</summary>
    private sealed class RecordCopier
    {
        private readonly BtfBuilder _builder;
        private readonly Dictionary<uint, uint>? _idMap;
        // Keyed by (source blob, string offset): the same name is decoded and re-added once.
        private readonly Dictionary<(Btf, uint), uint> _strings = new();

        internal RecordCopier(BtfBuilder builder, Dictionary<uint, uint>? idMap)
        {
            _builder = builder;
            _idMap = idMap;
        }

        internal void Copy(BtfType type)
        {
            var source = type.Owner;
            var record = source.RecordBytes(type.RecordOffset);
            _builder.AddCopy(record, out int at);
            var patcher = new Patcher(this, source, at - type.RecordOffset);
            BtfRecord.VisitFields(source.Data, type.RecordOffset, ref patcher);
        }

        private uint NewString(Btf source, uint offset)
        {
            if (offset == 0)
                return 0;
            // Offsets of a split BTF's base strings belong to the base.
            while (source.Base is { } baseBtf && offset < baseBtf.TotalStringLength)
                source = baseBtf;
            if (!_strings.TryGetValue((source, offset), out uint result))
                _strings[(source, offset)] = result = _builder.AddString(source.GetString(offset));
            return result;
        }

        private uint NewId(uint id) => _idMap is null ? id : _idMap[id];

        private struct Patcher : IBtfFieldVisitor
        {
            private readonly RecordCopier _copier;
            private readonly Btf _source;
            private readonly int _shift; // destination position minus source position

            internal Patcher(RecordCopier copier, Btf source, int shift)
            {
                _copier = copier;
                _source = source;
                _shift = shift;
            }

            public void Name(int at, uint value) =>
                _copier._builder.WriteWord(at + _shift, _copier.NewString(_source, value));

            public void TypeId(int at, uint value) =>
                _copier._builder.WriteWord(at + _shift, _copier.NewId(value));
        }
    }
}
