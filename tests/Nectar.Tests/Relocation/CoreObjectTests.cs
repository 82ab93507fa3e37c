using Nectar.Btf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Relocation;

/// <summary>
/// The whole CO-RE path without a kernel: a compiled object's relocations applied against the
/// committed vmlinux BTF fixture (Linux 6.18), checked against that BTF's own layout.
/// </summary>
public class CoreObjectTests
{
    [Fact]
    public void Object_relocated_against_the_fixture_vmlinux_reads_the_fixtures_offsets()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("core_unguarded"));
        var program = spec.Programs["read_missing"];
        var instructions = (BpfInstruction[])program.Instructions.Clone();
        var poisoned = new ObjectBtf(spec, spec.Btf!).RelocateCore(program, instructions, () => [Fixtures.VmlinuxBtf]);

        // The only relocation asks for a field no kernel has: its instruction is poisoned, with the reason.
        Assert.NotNull(poisoned);
        var (index, reason) = Assert.Single(poisoned);
        Assert.Equal("task_struct.nectar_no_such_field: no such field in this kernel", reason);
        Assert.Equal(Nectar.Relocation.CoreRelocator.PoisonImmediate, instructions[index].Immediate);
    }

    [Fact]
    public void Field_offsets_and_enum_values_come_from_the_fixture()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("core_reads"));
        var program = spec.Programs["read_task"];
        var instructions = (BpfInstruction[])program.Instructions.Clone();
        var poisoned = new ObjectBtf(spec, spec.Btf!).RelocateCore(program, instructions, () => [Fixtures.VmlinuxBtf]);

        var vmlinux = Fixtures.VmlinuxBtf;
        var task = vmlinux.GetByName("task_struct", BtfKind.Struct);
        int tgid = (int)vmlinux.FindMember(task.Id, "tgid")!.Value.ByteOffset;
        int pid = (int)vmlinux.FindMember(task.Id, "pid")!.Value.ByteOffset;
        // Each relocated immediate that differs from the object's own now holds a fixture value.
        var changed = instructions.Zip(program.Instructions).Where(p => p.First.Immediate != p.Second.Immediate || p.First.Offset != p.Second.Offset)
            .Select(p => p.First.Immediate).ToHashSet();
        Assert.Contains(tgid, changed);
        Assert.Contains(pid, changed);
        Assert.Contains((int)task.Size, changed);
        // Only the guarded read of the missing field is poisoned.
        Assert.Equal(["task_struct.nectar_no_such_field: no such field in this kernel"], poisoned!.Values.Distinct());
    }
}
