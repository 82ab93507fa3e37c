using System.Buffers.Binary;
using Nectar.Maps;

namespace Nectar.OpenTelemetry;

/// <summary>Walks a map's entries with reused buffers (a collection reads every map each time).</summary>
internal sealed class MapEntries
{
    public delegate void Visitor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    private readonly BpfMap _map;
    private readonly byte[] _key, _next, _value;

    public MapEntries(BpfMap map)
    {
        _map = map;
        _key = new byte[map.KeySize];
        _next = new byte[map.KeySize];
        Stride = map.IsPerCpu ? (int)((map.ValueSize + 7) & ~7u) : (int)map.ValueSize;
        Copies = map.IsPerCpu ? PossibleCpus.Count : 1;
        _value = new byte[Stride * Copies];
    }

    /// <summary>Bytes between the per-CPU copies of a value (the value size for other maps).</summary>
    public int Stride { get; }

    /// <summary>Copies of each value: one per possible CPU for per-CPU maps, else 1.</summary>
    public int Copies { get; }

    /// <summary>Calls <paramref name="visit"/> for each entry; the walk ends after MaxEntries keys even if the map keeps changing.</summary>
    public void ForEach(Visitor visit)
    {
        // Two readers (a Prometheus scrape, an OTLP export) may collect at once: one walk at a time.
        lock (_key)
            Walk(visit);
    }

    private void Walk(Visitor visit)
    {
        bool more = _map.TryGetNextKey(ReadOnlySpan<byte>.Empty, _next);
        for (uint seen = 0; more && seen < _map.MaxEntries; seen++)
        {
            _next.CopyTo(_key, 0);
            if (_map.TryLookup(_key, _value))
                visit(_key, _value);
            more = _map.TryGetNextKey(_key, _next);
        }
    }

    /// <summary>A counter value: the __u64 (or __u32) at the start of each copy, summed over the CPUs.</summary>
    public long Sum(ReadOnlySpan<byte> value)
    {
        long total = 0;
        for (int copy = 0; copy < Copies; copy++)
        {
            var at = value[(copy * Stride)..];
            total += _map.ValueSize >= 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at);
        }
        return total;
    }
}
