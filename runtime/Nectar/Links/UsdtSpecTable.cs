using Nectar.Maps;
using Nectar.Usdt;

namespace Nectar.Links;

/// <summary>
/// The USDT specs of one loaded object, in the maps libbpf's usdt.bpf.h reads: __bpf_usdt_specs
/// (an array: spec id to struct __bpf_usdt_spec) and, on kernels without BPF cookies,
/// __bpf_usdt_ip_to_spec_id (a hash: the probe's address in the process to spec id). With
/// cookies, each uprobe's cookie is its spec id. Ids are shared by every USDT attachment of the
/// object and given back on detach, as libbpf's USDT manager does.
/// </summary>
internal sealed class UsdtSpecTable
{
    internal const string SpecsMap = "__bpf_usdt_specs";
    internal const string AddressMap = "__bpf_usdt_ip_to_spec_id";

    private readonly string _objectName;
    private readonly BpfMap? _specs;
    private readonly BpfMap? _addresses;
    private readonly Lazy<bool> _usesCookies;
    private readonly object _lock = new();
    private bool[] _used = [];

    internal UsdtSpecTable(string objectName, BpfMap? specs, BpfMap? addresses, Func<bool> kernelHasCookies)
    {
        _objectName = objectName;
        _specs = specs;
        _addresses = addresses;
        _usesCookies = new Lazy<bool>(kernelHasCookies);
    }

    /// <summary>
    /// Whether spec ids travel as BPF cookies: the same answer the object's LINUX_HAS_BPF_COOKIE
    /// extern got at load, so the program and this table agree on where to look.
    /// </summary>
    internal bool UsesCookies => _usesCookies.Value;

    /// <summary>Stores <paramref name="spec"/> under the lowest free id and returns the id.</summary>
    internal int Add(UsdtSpec spec)
    {
        var specs = RequireMaps();
        lock (_lock)
        {
            if (_used.Length == 0)
                _used = new bool[specs.MaxEntries];
            int id = Array.IndexOf(_used, false);
            if (id < 0)
                throw new UsdtException(UsdtProblem.SpecMaps,
                    $"{_objectName}: all {specs.MaxEntries} USDT spec slots of {SpecsMap} are in use; define BPF_USDT_MAX_SPEC_CNT larger before including usdt.bpf.h, or detach other USDT probes.");
            specs.Update(BitConverter.GetBytes(id), spec.Encode());
            _used[id] = true;
            return id;
        }
    }

    /// <summary>Gives an id back (its slot is left as it was: nothing reaches it without a cookie or address naming it).</summary>
    internal void Remove(int id)
    {
        lock (_lock)
            _used[id] = false;
    }

    /// <summary>Without cookies: the probe at <paramref name="address"/> in the process uses spec <paramref name="id"/>.</summary>
    internal void MapAddress(ulong address, int id)
    {
        var map = _addresses ?? throw Missing(AddressMap);
        if (map.MaxEntries > 0 && map.KeySize != 8)
            throw new UsdtException(UsdtProblem.SpecMaps, $"{_objectName}: {AddressMap} has {map.KeySize}-byte keys, not usdt.bpf.h's long.");
        map.Update(BitConverter.GetBytes(address), BitConverter.GetBytes(id));
    }

    internal void UnmapAddress(ulong address) => _addresses?.Delete(BitConverter.GetBytes(address));

    /// <summary>The value stored under <paramref name="id"/> (tests read it back).</summary>
    internal UsdtSpec Read(int id)
    {
        var specs = RequireMaps();
        var value = new byte[specs.ValueSize];
        if (!specs.TryLookup(BitConverter.GetBytes(id), value))
            throw new KeyNotFoundException($"No USDT spec {id} in {SpecsMap}.");
        return UsdtSpec.Decode(value);
    }

    private BpfMap RequireMaps()
    {
        var specs = _specs ?? throw Missing(SpecsMap);
        if (specs.KeySize != 4 || specs.ValueSize != UsdtSpec.Size)
            throw new UsdtException(UsdtProblem.SpecMaps,
                $"{_objectName}: map {SpecsMap} has {specs.KeySize}-byte keys and {specs.ValueSize}-byte values, not usdt.bpf.h's int and {UsdtSpec.Size}-byte struct __bpf_usdt_spec; build the object with libbpf 1.x's usdt.bpf.h.");
        return specs;
    }

    private UsdtException Missing(string map) => new(UsdtProblem.SpecMaps,
        $"{_objectName} has no map '{map}', which USDT programs read their arguments through: #include <bpf/usdt.bpf.h> in the BPF source (as with libbpf) and use BPF_USDT or bpf_usdt_arg().");
}
