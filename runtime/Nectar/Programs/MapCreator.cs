using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>Creates (or, when pinned by name, reuses) the map an object defines, and stores its initial value.</summary>
internal static class MapCreator
{
    internal static BpfMap Create(MapDefinition definition, string pinDirectory)
    {
        if (definition.Pinning == MapPinning.ByName)
        {
            string path = Path.Combine(pinDirectory, definition.Name);
            if (Pinning.TryOpen(path) is { } pinned)
                return BpfMap.FromFd(pinned, definition.Spec);
            var created = CreateAndFill(definition);
            try
            {
                Pinning.Pin(created.Fd, path, $"map '{definition.Name}'");
                return created;
            }
            catch
            {
                created.Dispose();
                throw;
            }
        }
        return CreateAndFill(definition);
    }

    private static BpfMap CreateAndFill(MapDefinition definition)
    {
        var map = BpfMap.Create(definition.Spec);
        try
        {
            if (definition.InitialValue is { } value)
                map.Update(stackalloc byte[4], value);
            if (definition.FreezeAfterCreate)
                map.Freeze();
            return map;
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }
}
