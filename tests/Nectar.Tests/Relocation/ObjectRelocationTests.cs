using System.Buffers.Binary;
using Nectar.Relocation;
using Nectar.Testing;

namespace Nectar.Tests.Relocation;

/// <summary>
/// Relocates bpf/core_read.bpf.o (whose local task_struct deliberately disagrees with the
/// kernel's) against the committed Linux 6.18 vmlinux BTF, and checks the patched instructions
/// against offsets, sizes and values read independently from that BTF.
/// </summary>
public sealed class ObjectRelocationTests
{
    private const string Section = "tp_btf/sched_process_exec";
    private static readonly Nectar.Btf.Btf Kernel = Fixtures.VmlinuxBtf;

    private readonly BpfObjectFile _object = BpfObjectFile.Open("core_read");
    private readonly byte[] _instructions;
    private readonly CoreRelocationReport _report;

    public ObjectRelocationTests()
    {
        _instructions = _object.Instructions(Section);
        _report = CoreRelocator.Apply(_instructions, 0, _object.CoreRelocations(Section), _object.Btf, [Kernel]);
    }

    private static uint KernelTaskStructId => Kernel.GetByName("task_struct", Nectar.Btf.BtfKind.Struct).Id;

    private static uint KernelOffsetOf(string member) => Kernel.FindMember(KernelTaskStructId, member)!.Value.ByteOffset;

    private short OffsetAt(int index) => BinaryPrimitives.ReadInt16LittleEndian(_instructions.AsSpan(index * 8 + 2));

    private int ImmediateAt(int index) => BinaryPrimitives.ReadInt32LittleEndian(_instructions.AsSpan(index * 8 + 4));

    private long Imm64At(int index) => (uint)ImmediateAt(index) | ((long)ImmediateAt(index + 1) << 32);

    [Fact]
    public void Every_relocation_of_the_object_is_reported()
    {
        Assert.Equal(_object.CoreRelocations(Section).Count, _report.Results.Count);
        Assert.Equal(40, _report.Results.Count);
    }

    [Fact]
    public void Direct_load_offsets_become_the_kernel_offsets()
    {
        var pidLoads = _report.Results.Where(r => r.Access == "task_struct.pid" && r.Relocation.Kind == CoreRelocationKind.FieldByteOffset).ToList();
        Assert.NotEmpty(pidLoads);
        foreach (var load in pidLoads)
        {
            Assert.Equal(KernelOffsetOf("pid"), (uint)OffsetAt(load.InstructionIndex));
            Assert.Equal(28UL, load.OriginalValue);
        }
    }

    [Fact]
    public void Probe_read_chains_add_the_kernel_offsets()
    {
        var parents = _report.Results.Where(r => r.Access == "task_struct.real_parent").ToList();
        Assert.NotEmpty(parents);
        foreach (var parent in parents)
            Assert.Equal((int)KernelOffsetOf("real_parent"), ImmediateAt(parent.InstructionIndex));
    }

    [Fact]
    public void Field_existence_is_zero_for_a_missing_field_and_one_for_a_present_one()
    {
        var missing = _report.Results.Where(r => r.Relocation.Kind == CoreRelocationKind.FieldExists && r.Access == "task_struct.nectar_missing_field").ToList();
        Assert.NotEmpty(missing);
        Assert.All(missing, r => Assert.Equal(0, ImmediateAt(r.InstructionIndex)));
        var present = Assert.Single(_report.Results, r => r.Relocation.Kind == CoreRelocationKind.FieldExists && r.Access == "task_struct.pid");
        Assert.Equal(1, ImmediateAt(present.InstructionIndex));
    }

    [Fact]
    public void A_read_of_a_missing_field_is_poisoned_with_its_reason()
    {
        Assert.Equal(["task_struct.nectar_missing_field", "task_struct___pre_5_14.state"], _report.Poisoned.Select(p => p.Access));
        var poisoned = _report.Poisoned.First();
        Assert.Equal(0x85, _instructions[poisoned.InstructionIndex * 8]);
        Assert.Equal(0xbad2310, ImmediateAt(poisoned.InstructionIndex));
        Assert.StartsWith("task_struct.nectar_missing_field: no such field in this kernel",
            _report.DescribePoisonedInstruction(poisoned.InstructionIndex));
    }

    [Fact]
    public void A_renamed_field_resolves_through_the_current_name_and_the_old_flavor_is_dead()
    {
        var old = _report.Results.Where(r => r.Access == "task_struct___pre_5_14.state").ToList();
        Assert.Contains(old, r => r.Relocation.Kind == CoreRelocationKind.FieldExists && ImmediateAt(r.InstructionIndex) == 0);
        Assert.Contains(old, r => r.Outcome == CoreRelocationOutcome.Poisoned);
        var current = Assert.Single(_report.Results, r => r.Access == "task_struct.__state");
        Assert.Equal((int)KernelOffsetOf("__state"), ImmediateAt(current.InstructionIndex));
    }

    [Fact]
    public void Enum_values_are_the_kernels_including_through_an_enumerator_flavor()
    {
        var values = Kernel.GetByName("pid_type", Nectar.Btf.BtfKind.Enum).EnumValues;
        var max = Assert.Single(_report.Results, r => r.Access == "pid_type::PIDTYPE_MAX");
        Assert.Equal(100UL, max.OriginalValue);
        Assert.Equal(values.Single(v => v.Name == "PIDTYPE_MAX").Value, Imm64At(max.InstructionIndex));
        var sid = Assert.Single(_report.Results, r => r.Access == "pid_type___nectar::PIDTYPE_SID___nectar");
        Assert.Equal(values.Single(v => v.Name == "PIDTYPE_SID").Value, Imm64At(sid.InstructionIndex));
        var absent = Assert.Single(_report.Results, r => r.Relocation.Kind == CoreRelocationKind.EnumValueExists);
        Assert.Equal(0, Imm64At(absent.InstructionIndex));
    }

    [Fact]
    public void Type_relocations_give_existence_size_kernel_id_and_match()
    {
        int Value(CoreRelocationKind kind, string access) =>
            ImmediateAt(Assert.Single(_report.Results, r => r.Relocation.Kind == kind && r.Access == access).InstructionIndex);
        Assert.Equal(1, Value(CoreRelocationKind.TypeExists, "struct task_struct"));
        Assert.Equal(0, Value(CoreRelocationKind.TypeExists, "struct nectar_no_such_type"));
        Assert.Equal((int)Kernel.SizeOf(KernelTaskStructId), Value(CoreRelocationKind.TypeSize, "struct task_struct"));
        Assert.Equal(1, Value(CoreRelocationKind.TypeMatches, "struct list_head"));
        Assert.Equal(0, Value(CoreRelocationKind.TypeMatches, "struct list_head___bad"));
        var id = Assert.Single(_report.Results, r => r.Relocation.Kind == CoreRelocationKind.TargetTypeId);
        Assert.Equal(KernelTaskStructId, (ulong)Imm64At(id.InstructionIndex));
    }

    [Fact]
    public void Bitfield_reads_get_the_kernels_containing_word_and_shifts()
    {
        var member = Kernel.FindMember(KernelTaskStructId, "in_execve")!.Value;
        var offsets = _report.Results.Where(r => r.Access == "task_struct.in_execve" && r.Relocation.Kind == CoreRelocationKind.FieldByteOffset).ToList();
        Assert.Equal(2, offsets.Count);
        uint word = member.BitOffset / 32 * 4;
        Assert.All(offsets, r => Assert.Equal((int)word, ImmediateAt(r.InstructionIndex)));
        var left = _report.Results.Where(r => r.Access == "task_struct.in_execve" && r.Relocation.Kind == CoreRelocationKind.FieldLeftShiftU64).ToList();
        Assert.All(left, r => Assert.Equal(64 - (int)(member.BitOffset + 1 - word * 8), ImmediateAt(r.InstructionIndex)));
        var right = _report.Results.Where(r => r.Access == "task_struct.in_execve" && r.Relocation.Kind == CoreRelocationKind.FieldRightShiftU64).ToList();
        Assert.All(right, r => Assert.Equal(63, ImmediateAt(r.InstructionIndex)));
    }

    [Fact]
    public void A_struct_flavor_relocates_like_the_struct()
    {
        var flavored = Assert.Single(_report.Results, r => r.Access == "task_struct___nectar.tgid");
        Assert.Equal((int)KernelOffsetOf("tgid"), ImmediateAt(flavored.InstructionIndex));
    }

    [Fact]
    public void Field_size_is_the_kernels()
    {
        var comm = Assert.Single(_report.Results, r => r.Access == "task_struct.comm" && r.Relocation.Kind == CoreRelocationKind.FieldByteSize);
        Assert.Equal(8UL, comm.OriginalValue);
        Assert.Equal((int)Kernel.SizeOf(Kernel.FindMember(KernelTaskStructId, "comm")!.Value.TypeId), ImmediateAt(comm.InstructionIndex));
    }

    [Fact]
    public void Load_of_a_field_the_kernel_declares_narrower_is_resized()
    {
        var load = Assert.Single(_report.Results, r => r.Access == "task_struct.flags" && r.Relocation.Kind == CoreRelocationKind.FieldByteOffset &&
                                                       (_instructions[r.InstructionIndex * 8] & 0x07) == 0x01); // the LDX, not the address arithmetic
        Assert.Equal(0x61, _instructions[load.InstructionIndex * 8]); // LDX | MEM | W: 8 bytes locally, 4 in the kernel
        Assert.Equal((int)KernelOffsetOf("flags"), OffsetAt(load.InstructionIndex));
    }

    [Fact]
    public void Relocating_twice_is_refused_because_the_instructions_no_longer_hold_the_compilers_values()
    {
        var again = () => CoreRelocator.Apply(_instructions, 0, _object.CoreRelocations(Section), _object.Btf, [Kernel]);
        var error = Assert.Throws<CoreRelocationException>(again);
        Assert.Contains("recorded", error.Message);
    }
}
