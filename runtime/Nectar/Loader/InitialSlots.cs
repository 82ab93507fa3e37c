using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>
/// Fills the slots an object's static initializers name (<see cref="MapSpec.InitialSlots"/>):
/// maps of maps once every map exists, program arrays once every program is loaded, as libbpf
/// does. A slot whose program failed to load under ContinueOnProgramFailure stays empty (the
/// failure is in <see cref="BpfObject.Failures"/>), so a tail call to it falls through.
/// </summary>
internal static class InitialSlots
{
    /// <summary>
    /// Stores each map of maps' initial inner maps, except in maps taken from an existing pin:
    /// their slots stay as whoever pinned them set them (libbpf does the same).
    /// </summary>
    internal static void StoreMaps(BpfObjectSpec spec, IReadOnlyDictionary<string, BpfMap> maps, IReadOnlySet<string> reusedPins)
    {
        foreach (var definition in spec.Maps.Values.Where(d => d.Attributes.Type is MapType.ArrayOfMaps or MapType.HashOfMaps && !reusedPins.Contains(d.Name)))
        {
            foreach (var slot in definition.InitialSlots)
            {
                var inner = maps.TryGetValue(slot.Target, out var map) ? map
                    : throw new BpfException($"{spec.Name}: slot {slot.Index} of map '{definition.Name}' names map '{slot.Target}', which the object does not have. Set InitialSlots to maps of the object.", Errno.EINVAL);
                maps[definition.Name].Update(slot.Index, inner);
            }
        }
    }

    internal static void StorePrograms(BpfObjectSpec spec, IReadOnlyDictionary<string, BpfMap> maps,
        IReadOnlyDictionary<string, BpfProgram> programs, IReadOnlyDictionary<string, Exception> failures)
    {
        foreach (var definition in spec.Maps.Values.Where(d => d.Attributes.Type == MapType.ProgArray))
        {
            foreach (var slot in definition.InitialSlots)
            {
                if (programs.TryGetValue(slot.Target, out var program))
                    maps[definition.Name].Update(slot.Index, program);
                else if (spec.Programs.TryGetValue(slot.Target, out var skipped) && !skipped.AutoLoad)
                    continue; // left out on purpose (SEC("?...") or AutoLoad = false): its slot stays empty
                else if (!failures.ContainsKey(slot.Target))
                    throw new BpfException($"{spec.Name}: slot {slot.Index} of program array '{definition.Name}' names program '{slot.Target}', which was not loaded{Why(spec, slot.Target)}. " +
                        "Store only programs Nectar loads, or remove the entry.", Errno.EINVAL);
            }
        }
    }

    private static string Why(BpfObjectSpec spec, string program) =>
        spec.Programs.TryGetValue(program, out var p) && !p.Section.IsSupported ? $" ({p.Section.UnsupportedReason})" : " (the object has no such program)";
}
