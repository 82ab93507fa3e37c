using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Nectar.Btf;

/// <summary>
/// A hash index from type name bytes to type ids, built once per BTF in a single pass without
/// allocating a string per type (the kernel's BTF has well over 100,000 named types).
/// Chains keep ids in ascending order, so lookups return the lowest id first, as libbpf does.
/// </summary>
internal sealed class BtfNameIndex
{
    private readonly Btf _btf;
    private readonly int[] _buckets; // 1-based index into _ids; 0 = empty
    private readonly uint[] _ids;
    private readonly int[] _next;
    private readonly uint[] _hashes;

    [MethodImpl(BtfRecord.OptimizeAtOnce)]
    internal BtfNameIndex(Btf btf, int[] typeOffsets, uint firstId)
    {
        _btf = btf;
        int count = typeOffsets.Length;
        int size = 16;
        while (size < count * 2 && size < (1 << 30))
            size <<= 1;
        _buckets = new int[size];
        _ids = new uint[count];
        _next = new int[count];
        _hashes = new uint[count];
        int used = 0;
        // Walk backwards and push to the front, so each chain ends up in ascending id order.
        for (int i = count - 1; i >= 0; i--)
        {
            uint nameOffset = btf.ReadUInt32(typeOffsets[i]);
            if (nameOffset == 0)
                continue;
            var name = btf.GetStringBytes(nameOffset);
            if (name.Length == 0)
                continue;
            uint hash = Hash(name);
            int bucket = (int)(hash & (uint)(size - 1));
            _ids[used] = firstId + (uint)i;
            _hashes[used] = hash;
            _next[used] = _buckets[bucket];
            _buckets[bucket] = ++used;
        }
    }

    internal List<uint> Candidates(byte[] name)
    {
        var result = new List<uint>(1);
        uint hash = Hash(name);
        for (int entry = _buckets[hash & (uint)(_buckets.Length - 1)]; entry != 0; entry = _next[entry - 1])
        {
            uint id = _ids[entry - 1];
            if (_hashes[entry - 1] == hash && _btf.GetStringBytes(_btf.GetType(id).NameOffset).SequenceEqual(name))
                result.Add(id);
        }
        return result;
    }

    // FNV-1a: short names, no allocation, good enough spread for identifiers.
    private static uint Hash(ReadOnlySpan<byte> name)
    {
        uint hash = 2166136261;
        foreach (byte b in name)
            hash = (hash ^ b) * 16777619;
        return hash;
    }
}
