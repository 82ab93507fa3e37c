using System.Text.Json;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.MapsOfObjects;

/// <summary>
/// bpf/tail_calls.bpf.c: `dispatch`, attached to raw_tp/sys_enter, tail-calls slot target_slot of
/// jump_table for each getppid() of this process. The initializer stores slot_zero in slot 0 and
/// slot_two in slot 2; each counts into its own slot of `counts`; an empty slot counts FallThrough.
/// </summary>
public class TailCallTests
{
    private const uint FallThrough = 7;
    private static readonly string ObjectPath = BpfObjects.PathOf("tail_calls");

    private static BpfObject Load(uint slot)
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["target_slot"].Set(slot);
        return spec.Load();
    }

    private static ulong Count(BpfObject obj, uint slot) =>
        obj.Maps["counts"].TryLookup(slot, out ulong value) ? value : throw new InvalidOperationException($"counts has no slot {slot}");

    [KernelFact]
    public void The_tail_call_jumps_to_the_program_the_initializer_stored_in_the_slot()
    {
        using var obj = Load(slot: 0);
        using (obj.Programs["dispatch"].Attach())
        {
            Workload.CallGetppid(10);
            obj.Variables["target_slot"].Set(2u);
            Workload.CallGetppid(5);
        }
        Assert.Equal((10UL, 0UL, 5UL, 0UL), (Count(obj, 0), Count(obj, 1), Count(obj, 2), Count(obj, FallThrough)));
    }

    [KernelFact]
    public void A_tail_call_to_an_empty_slot_or_past_the_array_falls_through()
    {
        using var obj = Load(slot: 1);
        using (obj.Programs["dispatch"].Attach())
        {
            Workload.CallGetppid(4);
            obj.Variables["target_slot"].Set(9u); // jump_table has 4 slots
            Workload.CallGetppid(3);
        }
        Assert.Equal((0UL, 0UL, 0UL, 7UL), (Count(obj, 0), Count(obj, 1), Count(obj, 2), Count(obj, FallThrough)));
    }

    [KernelFact]
    public void Slots_hold_the_ids_of_the_programs_the_initializer_names_and_the_rest_are_empty()
    {
        using var obj = Load(slot: 0);
        var table = obj.Maps["jump_table"];
        Assert.Equal([new MapSlot(0, "slot_zero"), new MapSlot(2, "slot_two")], obj.Spec.Maps["jump_table"].InitialSlots);
        Assert.Equal(new Dictionary<uint, uint> { [0] = obj.Programs["slot_zero"].Id, [2] = obj.Programs["slot_two"].Id },
            table.Entries<uint, uint>().ToDictionary(e => e.Key, e => e.Value));
    }

    [KernelFact]
    public void A_program_stored_by_hand_is_jumped_to_until_its_slot_is_deleted()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = Load(slot: 3);
            var table = obj.Maps["jump_table"];
            using (obj.Programs["dispatch"].Attach())
            {
                table.Update(3u, obj.Programs["by_hand"]);
                Workload.CallGetppid(6);
                Assert.True(table.TryLookup(3u, out uint id));
                Assert.Equal(obj.Programs["by_hand"].Id, id);
                Assert.True(table.Delete(3u));
                Workload.CallGetppid(2);
            }
            Assert.Equal((6UL, 2UL), (Count(obj, 1), Count(obj, FallThrough)));
        });
    }

    [KernelFact]
    public void Storing_by_hand_checks_the_map_kind_and_the_kernel_checks_the_slot()
    {
        using var obj = Load(slot: 0);
        var program = obj.Programs["by_hand"];
        var wrongKind = Assert.Throws<InvalidOperationException>(() => obj.Maps["counts"].Update(0u, program));
        Assert.Contains("only a program array", wrongKind.Message);
        var pastEnd = Assert.ThrowsAny<BpfException>(() => obj.Maps["jump_table"].Update(4u, program));
        Assert.Contains("Storing program 'by_hand' in slot 4 of map 'jump_table'", pastEnd.Message);
        Assert.Contains("The slot is past the map's 4 entries (0 to 3).", pastEnd.Message);
        Assert.Throws<ArgumentException>(() => obj.Maps["jump_table"].Update(0UL, program)); // 8-byte key
    }

    [KernelFact]
    public void Slots_changed_in_the_spec_before_load_are_the_slots_the_loader_fills()
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["target_slot"].Set(3u);
        spec.Maps["jump_table"].InitialSlots = [new MapSlot(3, "by_hand")];
        using var obj = spec.Load();
        using (obj.Programs["dispatch"].Attach())
            Workload.CallGetppid(4);
        Assert.Equal((4UL, 0UL), (Count(obj, 1), Count(obj, FallThrough)));
        Assert.Equal([3u], obj.Maps["jump_table"].Entries<uint, uint>().Select(e => e.Key));
    }

    [KernelFact]
    public void A_slot_naming_a_program_the_object_lacks_fails_the_load_and_leaves_nothing_open()
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Maps["jump_table"].InitialSlots = [new MapSlot(1, "no_such_program")];
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var error = Assert.ThrowsAny<BpfException>(() => spec.Load());
            Assert.Contains("slot 1 of program array 'jump_table' names program 'no_such_program', which was not loaded (the object has no such program)", error.Message);
        });
    }

    [KernelFact]
    public void A_slot_whose_program_failed_to_load_stays_empty_when_loading_continues_past_failures()
    {
        var spec = BpfObjectSpec.Read(ObjectPath);
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        spec.Variables["target_slot"].Set(2u);
        spec.Programs["slot_two"].Instructions[^1].Opcode = 0xff; // not an instruction: the verifier refuses it
        using var obj = spec.Load(new BpfLoadOptions { ContinueOnProgramFailure = true });
        Assert.IsAssignableFrom<BpfException>(obj.Failures["slot_two"]);
        using (obj.Programs["dispatch"].Attach())
            Workload.CallGetppid(3);
        Assert.Equal((0UL, 3UL), (Count(obj, 2), Count(obj, FallThrough)));
        Assert.Equal([0u], obj.Maps["jump_table"].Entries<uint, uint>().Select(e => e.Key));
    }

    [KernelFact(Tools = Oracle.Bpftool)]
    public void Bpftool_fills_the_same_slots_with_the_same_programs()
    {
        using var obj = Load(slot: 0);
        var ours = obj.Maps["jump_table"].Entries<uint, uint>()
            .ToDictionary(e => e.Key, e => obj.Programs.Values.Single(p => p.Id == e.Value).Name);

        using var libbpf = BpftoolLoad.LoadAll(ObjectPath, pinMaps: true);
        using var dump = JsonDocument.Parse(Bpftool.Run("-j", "map", "dump", "pinned", libbpf.Map("jump_table")));
        var theirs = dump.RootElement.EnumerateArray().ToDictionary(
            e => BpftoolJson.UInt32(e.GetProperty("key")),
            e => BpftoolJson.ProgramName(BpftoolJson.UInt32(e.GetProperty("value"))));
        Assert.Equal(2, theirs.Count);
        Assert.Equal(theirs, ours);
    }
}
