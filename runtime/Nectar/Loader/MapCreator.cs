using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>Creates (or, when pinned by name, reuses) the map an object defines, and stores its initial value.</summary>
internal static class MapCreator
{
    /// <param name="definition">The map as the object defines it.</param>
    /// <param name="pinDirectory">Where LIBBPF_PIN_BY_NAME maps live.</param>
    /// <param name="btf">The object's BTF in the kernel, when it loaded: gives the map typed keys and values.</param>
    /// <param name="dataSectionTypeId">For global data, the DATASEC that types its value.</param>
    /// <param name="reused">True when the map is an existing pin: it is taken as it is, contents and slots included.</param>
    internal static BpfMap Create(MapSpec definition, string pinDirectory, BpfFileDescriptor? btf, uint dataSectionTypeId, out bool reused)
    {
        var spec = MapDefaults.Apply(definition.Attributes, PossibleCpus.Count, Libc.GetPageSize());
        if (spec.InnerMap is { } inner)
            spec = spec with { InnerMap = MapDefaults.Apply(inner, PossibleCpus.Count, Libc.GetPageSize()) };
        reused = false;
        if (definition.Pinning == MapPinning.ByName)
        {
            string path = Path.Combine(pinDirectory, definition.Name);
            if (Pinning.TryOpen(path) is { } pinned)
            {
                reused = true;
                return Reuse(pinned, spec, path);
            }
            Pinning.EnsureDirectory(pinDirectory);
            var created = CreateAndFill(definition, spec, btf, dataSectionTypeId);
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
        return CreateAndFill(definition, spec, btf, dataSectionTypeId);
    }

    /// <summary>Takes a pinned map for this definition if it is the same kind of map; libbpf refuses a mismatch too.</summary>
    private static BpfMap Reuse(BpfFileDescriptor pinned, MapAttributes spec, string path)
    {
        var existing = KernelObjects.Describe(pinned);
        if (existing.Type != spec.Type || existing.KeySize != spec.KeySize || existing.ValueSize != spec.ValueSize ||
            existing.MaxEntries != spec.MaxEntries || existing.Flags != spec.Flags)
        {
            pinned.Dispose();
            throw new BpfException($"The map pinned at {path} ({existing.TypeName}, key {existing.KeySize} B, value {existing.ValueSize} B, " +
                $"{existing.MaxEntries} entries, flags 0x{(uint)existing.Flags:x}) does not match map '{spec.Name}' of the object ({KernelNames.MapType((uint)spec.Type)}, " +
                $"key {spec.KeySize} B, value {spec.ValueSize} B, {spec.MaxEntries} entries, flags 0x{(uint)spec.Flags:x}). Remove the pin (rm {path}) or rename the map.", Errno.EINVAL);
        }
        return BpfMap.FromFd(pinned, spec);
    }

    /// <summary>
    /// Creates the map with its BTF key and value types where it has them, as libbpf does: never
    /// for map types the kernel cannot type (<see cref="MapBtfTyping"/>), and where the kernel
    /// refuses them anyway (for any reason but a lack of privilege, which a retry cannot cure), the
    /// map is created again without BTF.
    /// </summary>
    private static BpfMap CreateWithBtf(MapAttributes spec, BpfFileDescriptor? btf, uint dataSectionTypeId)
    {
        var untyped = spec with { BtfKeyTypeId = 0, BtfValueTypeId = 0 };
        var typed = dataSectionTypeId != 0 ? spec with { BtfKeyTypeId = 0, BtfValueTypeId = dataSectionTypeId } : spec;
        if (btf is null || typed.BtfValueTypeId == 0 || !MapBtfTyping.AcceptsKeyValueTypes(spec.Type))
            return BpfMap.Create(untyped);
        try
        {
            return BpfMap.Create(typed, btf);
        }
        catch (BpfException e) when (e is not BpfPermissionException)
        {
            return BpfMap.Create(untyped);
        }
    }

    private static BpfMap CreateAndFill(MapSpec definition, MapAttributes spec, BpfFileDescriptor? btf, uint dataSectionTypeId)
    {
        BpfMap map;
        try
        {
            map = CreateWithBtf(spec, btf, dataSectionTypeId);
        }
        catch (BpfException e) when (e.ErrorNumber == Errno.EINVAL && spec.MaxEntries == 0)
        {
            // Tools written for libbpf often leave max_entries out and set it before load
            // (bpf_map__set_max_entries: a stack map sized by an option, an array per CPU).
            throw new BpfException($"{e.Message} Map '{definition.Name}' declares no max_entries (0), which the kernel refuses for a {KernelNames.MapType((uint)spec.Type)} map: " +
                $"set it before load, as the tool's user space does with bpf_map__set_max_entries (with Nectar: spec.Maps[\"{definition.Name}\"].Attributes = spec.Maps[\"{definition.Name}\"].Attributes with {{ MaxEntries = N }}).", e.ErrorNumber, e);
        }
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
