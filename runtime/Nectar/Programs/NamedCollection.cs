using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Nectar.Programs;

/// <summary>
/// A read-only dictionary by name whose indexer, on a miss, says which names there are
/// (and, for programs Nectar recognised but could not load, why).
/// </summary>
public sealed class NamedCollection<T> : IReadOnlyDictionary<string, T>
{
    private readonly Dictionary<string, T> _items;
    private readonly string _what;
    private readonly Func<string, string?> _explainMissing;

    internal NamedCollection(Dictionary<string, T> items, string what, Func<string, string?>? explainMissing = null)
    {
        _items = items;
        _what = what;
        _explainMissing = explainMissing ?? (_ => null);
    }

    public T this[string key] => _items.TryGetValue(key, out var value) ? value
        : throw new KeyNotFoundException(_explainMissing(key) ??
            $"There is no {_what} named '{key}'; there are: {(_items.Count == 0 ? "none" : string.Join(", ", _items.Keys.Order(StringComparer.Ordinal)))}.");

    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<T> Values => _items.Values;
    public int Count => _items.Count;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
