using System.Text.Json;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.MapsOfObjects;

/// <summary>
/// bpf/map_in_map.bpf.c: outer_array holds inner_a (slot 0) and inner_b (slot 1), outer_hash holds
/// inner_b under key 3. For each getppid() of this process, through_array / through_hash look up
/// slot target_slot of their outer map and write this process's tgid into the inner map found.
/// </summary>
public class MapOfMapsTests
{
    private static readonly string ObjectPath = BpfObjects.PathOf("map_in_map");

    private static BpfObject Load(uint slot)
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["target_slot"].Set(slot);
        return spec.Load();
    }

    private static ulong Written(BpfMap inner) => inner.TryLookup(0u, out ulong value) ? value : throw new InvalidOperationException($"{inner.Name} has no element 0");

    [KernelFact]
    public void The_program_writes_through_the_inner_map_the_initializer_stored()
    {
        using var obj = Load(slot: 1);
        using (obj.Programs["through_array"].Attach())
            Workload.CallGetppid();
        Assert.Equal(((ulong)Environment.ProcessId, 0UL, 0U), (Written(obj.Maps["inner_b"]), Written(obj.Maps["inner_a"]), obj.Variables["missing"].Get<uint>()));
    }

    [KernelFact]
    public void A_hash_of_maps_holds_its_inner_map_under_the_initializer_key()
    {
        using var obj = Load(slot: 3);
        using (obj.Programs["through_hash"].Attach())
            Workload.CallGetppid();
        Assert.Equal((ulong)Environment.ProcessId, Written(obj.Maps["inner_b"]));
        Assert.Equal([3u], obj.Maps["outer_hash"].Keys<uint>());
    }

    [KernelFact]
    public void An_empty_slot_gives_the_program_no_inner_map()
    {
        using var obj = Load(slot: 2);
        using (obj.Programs["through_array"].Attach())
            Workload.CallGetppid();
        Assert.Equal(1u, obj.Variables["missing"].Get<uint>());
    }

    [KernelFact]
    public void The_outer_maps_are_made_from_the_inner_definition_and_the_template_is_closed()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = Load(slot: 0);
            var outer = obj.Maps["outer_array"];
            var inKernel = KernelObjects.Describe(outer.Fd);
            Assert.Equal((MapType.ArrayOfMaps, 4u, 4u, 4u), (inKernel.Type, inKernel.KeySize, inKernel.ValueSize, inKernel.MaxEntries));
            Assert.Equal(new MapAttributes("outer_array.inner", MapType.Array, 4, 8, 1) { BtfKeyTypeId = outer.Attributes.InnerMap!.BtfKeyTypeId, BtfValueTypeId = outer.Attributes.InnerMap.BtfValueTypeId }, outer.Attributes.InnerMap);
            var ids = outer.Entries<uint, uint>().ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal(new Dictionary<uint, uint> { [0] = Id(obj.Maps["inner_a"]), [1] = Id(obj.Maps["inner_b"]) }, ids);
        });
    }

    [KernelFact]
    public void Maps_stored_by_hand_are_written_through_and_mismatched_ones_are_refused()
    {
        using var obj = Load(slot: 2);
        var outer = obj.Maps["outer_array"];
        using var made = BpfMap.Create(new MapAttributes("made_here", MapType.Array, 4, 8, 1));
        outer.Update(2u, made);
        using (obj.Programs["through_array"].Attach())
            Workload.CallGetppid();
        Assert.Equal((ulong)Environment.ProcessId, Written(made));

        using var tooSmall = BpfMap.Create(new MapAttributes("too_small", MapType.Array, 4, 4, 1));
        var refused = Assert.ThrowsAny<BpfException>(() => outer.Update(3u, tooSmall));
        Assert.Contains("Storing map 'too_small' in slot 3 of map 'outer_array'", refused.Message);
        Assert.Contains("must match the inner map definition (Array, key 4 B, value 8 B, 1 entries, flags 0x0)", refused.Message);
        Assert.Equal(Errno.EINVAL, refused.ErrorNumber);
        Assert.Throws<InvalidOperationException>(() => obj.Maps["inner_a"].Update(0u, made));
    }

    [KernelFact]
    public void A_map_of_maps_created_by_hand_needs_an_inner_map()
    {
        var missing = Assert.Throws<ArgumentException>(() => BpfMap.Create(new MapAttributes("no_inner", MapType.HashOfMaps, 4, 4, 2)));
        Assert.Contains("InnerMap", missing.Message);
        using var outer = BpfMap.Create(new MapAttributes("by_hand", MapType.HashOfMaps, 4, 4, 2) { InnerMap = new MapAttributes("tmpl", MapType.Hash, 8, 8, 16) });
        using var inner = BpfMap.Create(new MapAttributes("inner", MapType.Hash, 8, 8, 16));
        outer.Update(42u, inner);
        Assert.True(outer.TryLookup(42u, out uint id));
        Assert.Equal(Id(inner), id);
    }

    [KernelFact]
    public void A_slot_naming_a_map_the_object_lacks_fails_the_load_and_leaves_nothing_open()
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Maps["outer_hash"].InitialSlots = [new MapSlot(7, "no_such_map")];
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var error = Assert.ThrowsAny<BpfException>(() => spec.Load());
            Assert.Contains("slot 7 of map 'outer_hash' names map 'no_such_map', which the object does not have", error.Message);
        });
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Bpftool_fills_the_same_slots_with_the_same_maps()
    {
        using var obj = Load(slot: 0);
        using var libbpf = BpftoolLoad.LoadAll(ObjectPath, pinMaps: true);
        foreach (string name in new[] { "outer_array", "outer_hash" })
        {
            var ours = obj.Maps[name].Entries<uint, uint>()
                .ToDictionary(e => e.Key, e => obj.Maps.Values.Single(m => Id(m) == e.Value).Name);
            using var dump = JsonDocument.Parse(Bpftool.Run("-j", "map", "dump", "pinned", libbpf.Map(name)));
            var theirs = dump.RootElement.EnumerateArray().ToDictionary(
                e => BpftoolJson.UInt32(e.GetProperty("key")),
                e => BpftoolJson.MapName(BpftoolJson.UInt32(e.GetProperty("value"))));
            Assert.NotEmpty(theirs);
            Assert.Equal(theirs, ours);
        }
    }

    private static uint Id(BpfMap map) => KernelObjects.Describe(map.Fd).Id;
}
