using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.OpenTelemetry;

/// <summary>
/// BPF maps and counters as OpenTelemetry instruments, on the meter <see cref="MeterName"/>
/// (subscribe with <c>.AddMeter(BpfMetrics.MeterName)</c>):
/// <list type="bullet">
/// <item>a map of counters (array, hash, or their per-CPU kinds, with <c>__u64</c> or <c>__u32</c>
/// values) as an observable counter, one point per key, per-CPU values summed, its key turned into
/// attributes by the BTF field names of the key type or by a function you give;</item>
/// <item>a map of log2 histograms (bcc's <c>struct hist { __u32 slots[N]; }</c>, see
/// <see cref="Log2Histogram"/>) as a histogram whose bucket bounds are the slots' upper bounds
/// (1, 3, 7, ..., 2^(N-1)-1, then +Inf), so each slot is exactly one bucket;</item>
/// <item>a global counter of the BPF program (events dropped, records lost) as an observable
/// counter, so loss is exported, never silent.</item>
/// </list>
/// Counters are read when the SDK collects. Histograms are read every
/// <see cref="HistogramInterval"/>: what grew since the last read is recorded into the histogram
/// (the metrics API has no way to report pre-aggregated buckets), each count at its slot's upper bound.
/// Dispose stops the reads and the meter before the BPF object is disposed.
/// </summary>
public sealed class BpfMetrics : IDisposable
{
    /// <summary>The meter's name: <c>meterProviderBuilder.AddMeter(BpfMetrics.MeterName)</c>.</summary>
    public const string MeterName = "Nectar.Bpf";

    private readonly Meter _meter;
    private readonly List<HistogramReader> _histograms = [];
    private readonly Timer _histogramTimer;
    private readonly object _histogramLock = new();
    private bool _disposed;

    /// <param name="histogramInterval">How often histograms are read from their maps (default 1 second).</param>
    public BpfMetrics(TimeSpan? histogramInterval = null)
    {
        HistogramInterval = histogramInterval ?? TimeSpan.FromSeconds(1);
        if (HistogramInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(histogramInterval), histogramInterval, "Give a positive interval, such as 1 second.");
        _meter = new Meter(MeterName);
        _histogramTimer = new Timer(static state => ((BpfMetrics)state!).ReadHistograms(), this, HistogramInterval, HistogramInterval);
    }

    /// <summary>How often histograms are read from their maps.</summary>
    public TimeSpan HistogramInterval { get; }

    /// <summary>
    /// Exports map <paramref name="map"/> of <paramref name="obj"/> as the counter <paramref name="name"/>,
    /// its key's fields (from the object's BTF) as attributes: a key <c>struct { char comm[16]; }</c>
    /// gives the attribute <c>comm</c>; a scalar key gives <c>key</c>.
    /// </summary>
    public BpfMetrics AddCounter(BpfObject obj, string map, string name, string? unit = null, string? description = null)
    {
        var bpfMap = MapOf(obj, map);
        var keyFields = KeyFields(obj, bpfMap);
        return AddCounterCore(bpfMap, name, unit, description, (ReadOnlySpan<byte> key, ref TagList tags) => AddFields(keyFields, key, ref tags));
    }

    /// <summary>Exports <paramref name="map"/> as the counter <paramref name="name"/>, each key's attributes given by <paramref name="attributes"/>.</summary>
    public BpfMetrics AddTypedCounter<TKey>(BpfMap map, string name, Func<TKey, TagList> attributes, string? unit = null, string? description = null)
        where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(attributes);
        CheckKey<TKey>(map);
        return AddCounterCore(map, name, unit, description, (ReadOnlySpan<byte> key, ref TagList tags) => tags = attributes(System.Runtime.InteropServices.MemoryMarshal.Read<TKey>(key)));
    }

    /// <summary>
    /// Exports a global <c>__u64</c> (or <c>__u32</c>) counter of the BPF program, such as the events
    /// it dropped because the ring buffer was full, as the counter <paramref name="name"/>.
    /// </summary>
    public BpfMetrics AddGlobalCounter(BpfVariable variable, string name, string? unit = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        CheckName(name);
        ThrowIfDisposed();
        bool wide = IsWide(variable);
        _meter.CreateObservableCounter(name, () => ReadVariable(variable, wide), unit, description);
        return this;
    }

    /// <summary>
    /// Exports map <paramref name="map"/> of <paramref name="obj"/>, whose values start with
    /// <c>__u32 slots[N]</c> (N: <paramref name="slotCount"/>, by default the whole value), as the
    /// histogram <paramref name="name"/>, one series per key with its BTF fields as attributes (a
    /// single-entry array has none).
    /// </summary>
    public BpfMetrics AddHistogram(BpfObject obj, string map, string name, string? unit = null, string? description = null, int? slotCount = null)
    {
        var bpfMap = MapOf(obj, map);
        bool single = bpfMap.Type is MapType.Array or MapType.PerCpuArray && bpfMap.MaxEntries == 1;
        var keyFields = single ? null : KeyFields(obj, bpfMap);
        return AddHistogramCore(bpfMap, name, unit, description, slotCount, single ? null : (ReadOnlySpan<byte> key, ref TagList tags) => AddFields(keyFields, key, ref tags));
    }

    /// <summary>
    /// Exports <paramref name="map"/> of log2 histograms as the histogram <paramref name="name"/>, each
    /// key's attributes given by <paramref name="attributes"/> (null: no attributes, for a single histogram).
    /// </summary>
    public BpfMetrics AddTypedHistogram<TKey>(BpfMap map, string name, Func<TKey, TagList>? attributes, string? unit = null, string? description = null, int? slotCount = null)
        where TKey : unmanaged
    {
        CheckKey<TKey>(map);
        return AddHistogramCore(map, name, unit, description, slotCount,
            attributes is null ? null : (ReadOnlySpan<byte> key, ref TagList tags) => tags = attributes(System.Runtime.InteropServices.MemoryMarshal.Read<TKey>(key)));
    }

    private delegate void KeyAttributes(ReadOnlySpan<byte> key, ref TagList tags);

    private BpfMetrics AddCounterCore(BpfMap map, string name, string? unit, string? description, KeyAttributes attributes)
    {
        CheckName(name);
        ThrowIfDisposed();
        if (map.Type is not (MapType.Array or MapType.PerCpuArray or MapType.Hash or MapType.PerCpuHash or MapType.LruHash or MapType.LruPerCpuHash))
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type} map; a counter is read from an array, hash or LRU hash map (per-CPU or not).", nameof(map));
        if (map.ValueSize is not (4 or 8))
            throw new ArgumentException($"Map '{map.Name}' has {map.ValueSize}-byte values; a counter map's values are __u64 or __u32.", nameof(map));
        var entries = new MapEntries(map);
        _meter.CreateObservableCounter(name, () =>
        {
            var points = new List<Measurement<long>>();
            try
            {
                entries.ForEach((key, value) =>
                {
                    var tags = new TagList();
                    attributes(key, ref tags);
                    points.Add(new Measurement<long>(entries.Sum(value), tags));
                });
            }
            catch (ObjectDisposedException)
            {
                // The BPF object went first: nothing to report any more.
            }
            return points;
        }, unit, description);
        return this;
    }

    private BpfMetrics AddHistogramCore(BpfMap map, string name, string? unit, string? description, int? slotCount, KeyAttributes? attributes)
    {
        CheckName(name);
        ThrowIfDisposed();
        // Checks the layout now, so that a wrong map fails here rather than in a timer.
        int slots = Log2Histogram.Read(map, slotCount) is [var first, ..] ? first.Value.Slots.Count : slotCount ?? (int)(map.ValueSize / 4);
        var bounds = Enumerable.Range(0, slots - 1).Select(slot => (long)Log2Histogram.UpperBound(slot)).ToArray();
        var histogram = _meter.CreateHistogram(name, unit, description, tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = bounds });
        lock (_histogramLock)
            _histograms.Add(new HistogramReader(map, histogram, slots, attributes));
        return this;
    }

    /// <summary>Reads every histogram map now and records what grew (the timer does it every <see cref="HistogramInterval"/>).</summary>
    internal void ReadHistograms()
    {
        lock (_histogramLock)
        {
            if (_disposed)
                return;
            foreach (var reader in _histograms)
                reader.Read();
        }
    }

    public void Dispose()
    {
        lock (_histogramLock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _histogramTimer.Dispose();
        _meter.Dispose();
    }

    private static bool IsWide(BpfVariable variable)
    {
        try
        {
            variable.Get<ulong>();
            return true;
        }
        catch (ArgumentException)
        {
            try
            {
                variable.Get<uint>();
                return false;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"Global variable '{variable.Name}' is not a __u64 or __u32 counter.", nameof(variable));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ReadVariable(BpfVariable variable, bool wide)
    {
        try
        {
            return [new Measurement<long>(wide ? (long)variable.Get<ulong>() : variable.Get<uint>())];
        }
        catch (ObjectDisposedException)
        {
            return [];
        }
    }

    private static BpfMap MapOf(BpfObject obj, string map)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(map);
        return obj.Maps[map];
    }

    private static BtfFields? KeyFields(BpfObject obj, BpfMap map) => BtfFields.For(obj.Spec.Btf, map.Attributes.BtfKeyTypeId) is { } fields && fields.Size == map.KeySize ? fields : null;

    private static void AddFields(BtfFields? fields, ReadOnlySpan<byte> key, ref TagList tags)
    {
        if (fields is null)
        {
            tags.Add("key", Convert.ToHexString(key).ToLowerInvariant()); // no BTF for the key: its bytes
            return;
        }
        for (int i = 0; i < fields.Count; i++)
            tags.Add(fields.NameAt(i), fields.ValueAt(i, key));
    }

    private static void CheckKey<TKey>(BpfMap map) where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<TKey>() != map.KeySize)
            throw new ArgumentException($"Map '{map.Name}' has {map.KeySize}-byte keys; {typeof(TKey).Name} is {System.Runtime.CompilerServices.Unsafe.SizeOf<TKey>()} bytes.", nameof(map));
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>One histogram map: the counts last seen per key, to record only what grew.</summary>
    private sealed class HistogramReader(BpfMap map, Histogram<long> histogram, int slots, KeyAttributes? attributes)
    {
        private readonly MapEntries _entries = new(map);
        private readonly Dictionary<string, ulong[]> _seen = new(StringComparer.Ordinal);

        public void Read()
        {
            try
            {
                _entries.ForEach(Record);
            }
            catch (ObjectDisposedException)
            {
                // The BPF object went first.
            }
        }

        private void Record(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            var now = Log2Histogram.FromValue(value, slots, 4, _entries.Stride, _entries.Copies).Slots;
            string id = Convert.ToHexString(key);
            if (!_seen.TryGetValue(id, out var before))
            {
                if (_seen.Count >= map.MaxEntries)
                    return;
                _seen[id] = before = new ulong[slots];
            }
            var tags = new TagList();
            attributes?.Invoke(key, ref tags);
            for (int slot = 0; slot < slots; slot++)
            {
                // A count that went down was reset by its owner: what it holds now is all new.
                ulong grown = now[slot] >= before[slot] ? now[slot] - before[slot] : now[slot];
                long at = (long)Math.Min(Log2Histogram.UpperBound(slot), long.MaxValue);
                for (ulong i = 0; i < grown; i++)
                    histogram.Record(at, tags);
                before[slot] = now[slot];
            }
        }
    }
}
