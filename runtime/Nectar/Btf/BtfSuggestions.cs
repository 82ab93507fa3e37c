using System;
using System.Collections.Generic;
using System.Linq;

namespace Nectar.Btf;

/// <summary>"Did you mean" for names that are not in a BTF: the closest names by edit distance.</summary>
public static class BtfSuggestions
{
    /// <summary>Up to <paramref name="max"/> candidates within a small edit distance of <paramref name="name"/>, closest first.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        int limit = Math.Max(2, name.Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(candidate => (candidate, distance: EditDistance(name, candidate, limit)))
            .Where(pair => pair.distance <= limit)
            .OrderBy(pair => pair.distance).ThenBy(pair => pair.candidate, StringComparer.Ordinal)
            .Take(max)
            .Select(pair => pair.candidate)
            .ToList();
    }

    internal static string UnknownType(Btf btf, string name, BtfKind kind)
    {
        var names = btf.Types.Where(t => t.Kind == kind && !t.IsAnonymous).Select(t => t.Name);
        var suggestions = Closest(name, names);
        string hint = suggestions.Count == 0 ? "" : " Did you mean " + string.Join(", ", suggestions.Select(s => "'" + s + "'")) + "?";
        return $"No {kind.ToString().ToLowerInvariant()} named '{name}' in this BTF.{hint}";
    }

    /// <summary>Levenshtein distance, abandoned early (returning limit+1) once it exceeds <paramref name="limit"/>.</summary>
    public static int EditDistance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
            return limit + 1;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMinimum = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMinimum = Math.Min(rowMinimum, current[j]);
            }
            if (rowMinimum > limit)
                return limit + 1;
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
