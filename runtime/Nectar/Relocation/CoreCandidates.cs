using System.Runtime.CompilerServices;
using Nectar.Btf;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>A kernel type that may be the object's type: same essential name, compatible kind.</summary>
internal readonly record struct CoreCandidate(Btf Btf, uint TypeId);

/// <summary>
/// Finds the kernel types an object's type may correspond to, as libbpf does: every type of a
/// compatible kind (enum and enum64 count as one) whose name, flavor stripped, equals the local
/// name, flavor stripped. vmlinux is searched first; module BTF only when vmlinux has none, and
/// then only the module's own types. Results are cached per local type and narrowed as
/// relocations rule candidates out, so later relocations of a type agree with earlier ones.
/// </summary>
internal sealed class CoreCandidates(Btf local, IReadOnlyList<Btf> targets)
{
    private readonly Dictionary<uint, List<CoreCandidate>> _cache = [];

    // Names with a flavor ("x___y") cannot be found through the exact-name index; each target
    // gets, once, an index of its flavored names by essential name.
    private static readonly ConditionalWeakTable<Btf, Dictionary<string, List<uint>>> s_flavored = new();

    public List<CoreCandidate> For(uint localTypeId)
    {
        if (_cache.TryGetValue(localTypeId, out var cached))
            return cached;
        var localType = local.GetType(localTypeId);
        if (localType.IsAnonymous)
            throw new CoreRelocationException($"CO-RE relocations of anonymous types are not supported ({localType}); give the type a name.");
        var candidates = new List<CoreCandidate>();
        string essential = CoreNames.Essential(localType.Name);
        for (int i = 0; i < targets.Count && candidates.Count == 0; i++)
            AddFrom(targets[i], localType, essential, candidates);
        _cache[localTypeId] = candidates;
        return candidates;
    }

    /// <summary>Keeps only the candidates that satisfied a relocation (when any did).</summary>
    public void Narrow(uint localTypeId, List<CoreCandidate> survivors)
    {
        if (survivors.Count > 0)
            _cache[localTypeId] = survivors;
    }

    private static void AddFrom(Btf target, BtfType localType, string essential, List<CoreCandidate> candidates)
    {
        var ids = new List<uint>();
        foreach (var type in target.FindAllByName(essential))
            if (CoreNames.EssentialLength(type.Name) == essential.Length)
                ids.Add(type.Id);
        if (FlavoredNames(target).TryGetValue(essential, out var flavored))
            ids.AddRange(flavored);
        ids.Sort();
        foreach (uint id in ids)
        {
            // Split (module) BTF: only the module's own types; its base is vmlinux, searched already.
            if (id < target.FirstTypeId)
                continue;
            if (CoreTypeCompatibility.KindsCompatible(target.GetType(id), localType))
                candidates.Add(new CoreCandidate(target, id));
        }
    }

    private static Dictionary<string, List<uint>> FlavoredNames(Btf target) => s_flavored.GetValue(target, static btf =>
    {
        var index = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        byte[] separator = "___"u8.ToArray();
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            uint nameOffset = btf.GetType(id).NameOffset;
            if (nameOffset == 0 || btf.GetStringBytes(nameOffset).IndexOf(separator) < 0)
                continue;
            string name = btf.GetString(nameOffset);
            int length = CoreNames.EssentialLength(name);
            if (length == name.Length)
                continue;
            string essential = name.Substring(0, length);
            if (!index.TryGetValue(essential, out var ids))
                index[essential] = ids = [];
            ids.Add(id);
        }
        return index;
    });
}
