using Nectar.Btf;
using BtfData = Nectar.Btf.Btf;
using Nectar.Elf;
using Nectar.Programs;
using Nectar.Relocation;

namespace Nectar.Tests.Relocation;

/// <summary>
/// CO-RE against synthetic kernels written with <see cref="BtfBuilder"/>: the object's view of a
/// type and the "kernel's" differ in member order, offsets, sizes and enum values, and each test
/// checks the instruction a relocation patched.
/// </summary>
public class CoreRelocatorTests
{
    private const byte MovImm = 0xb7;    // r = imm (ALU64 | MOV | K)
    private const byte LoadWord = 0x61;  // r = *(u32 *)(r + off)

    /// <summary>The object's types: struct task_struct___local { int pid; int tgid; unsigned flags:3; char comm[16]; } and enum pid_type___local.</summary>
    private sealed class Local
    {
        public readonly BtfBuilder Builder = new();
        public readonly uint Task;
        public readonly uint PidType;

        public Local()
        {
            var b = Builder;
            uint @int = b.Int("int", 4, signed: true);
            uint @unsigned = b.Int("unsigned int", 4);
            uint @char = b.Int("char", 1, signed: true);
            uint comm = b.Array(@char, 16, @int);
            Task = b.Composite(BtfKind.Struct, "task_struct___local", 28,
                ("pid", @int, 0, 0), ("tgid", @int, 32, 0), ("flags", @unsigned, 64, 3), ("comm", comm, 96, 0), ("gone", @int, 224, 0));
            PidType = b.Enum("pid_type___local", 4, ("PIDTYPE_SID___local", 90), ("PIDTYPE_GONE___local", 91));
        }

        public CoreRelocationRecord Record(CoreRelocationKind kind, uint type, string access) => new(0, type, Builder.Name(access), (uint)kind);
    }

    /// <summary>The kernel's: a padded task_struct with tgid at 8, pid at 12, flags:3 at bit 200, comm at 40; pid_type with SID = 3.</summary>
    private static BtfData Kernel(Action<BtfBuilder>? more = null)
    {
        var b = new BtfBuilder();
        uint @long = b.Int("long", 8, signed: true);
        uint @int = b.Int("int", 4, signed: true);
        uint @unsigned = b.Int("unsigned int", 4);
        uint @char = b.Int("char", 1, signed: true);
        uint comm = b.Array(@char, 16, @int);
        b.Composite(BtfKind.Struct, "task_struct", 56,
            ("state", @long, 0, 0), ("tgid", @int, 64, 0), ("pid", @int, 96, 0), ("flags", @unsigned, 200, 3), ("comm", comm, 320, 0));
        b.Enum("pid_type", 4, ("PIDTYPE_PID", 0), ("PIDTYPE_TGID", 1), ("PIDTYPE_PGID", 2), ("PIDTYPE_SID", 3));
        more?.Invoke(b);
        return BtfData.Parse(b.Build());
    }

    private static (BpfInstruction[] Instructions, CoreRelocator Relocator) Relocate(Local local, CoreRelocationRecord record, byte opcode, BtfData? kernel = null)
    {
        var instructions = new[] { new BpfInstruction { Opcode = opcode }, new BpfInstruction() };
        var relocator = new CoreRelocator(BtfData.Parse(local.Builder.Build()), () => [kernel ?? Kernel()]);
        relocator.Apply("test", instructions, 0, record);
        return (instructions, relocator);
    }

    [Theory]
    [InlineData(CoreRelocationKind.FieldByteOffset, "0:1", 8)]     // tgid moved from 4 to 8
    [InlineData(CoreRelocationKind.FieldByteOffset, "0:0", 12)]    // pid from 0 to 12
    [InlineData(CoreRelocationKind.FieldByteSize, "0:1", 4)]
    [InlineData(CoreRelocationKind.FieldSigned, "0:1", 1)]
    [InlineData(CoreRelocationKind.FieldSigned, "0:2", 0)]
    [InlineData(CoreRelocationKind.FieldExists, "0:1", 1)]
    [InlineData(CoreRelocationKind.FieldExists, "0:4", 0)]         // 'gone' is not in the kernel: 0, not poison
    [InlineData(CoreRelocationKind.FieldByteOffset, "0:3:5", 45)]  // comm[5]: 40 + 5
    [InlineData(CoreRelocationKind.FieldByteOffset, "1:1", 64)]    // task[1].tgid: 56 + 8
    // flags:3 at bit 200 of an unsigned int: load 4 bytes at 24, shift left 64-(200+3-192), right 64-3.
    [InlineData(CoreRelocationKind.FieldByteOffset, "0:2", 24)]
    [InlineData(CoreRelocationKind.FieldByteSize, "0:2", 4)]
    [InlineData(CoreRelocationKind.FieldLshiftU64, "0:2", 53)]
    [InlineData(CoreRelocationKind.FieldRshiftU64, "0:2", 61)]
    [InlineData(CoreRelocationKind.TypeSize, "0", 56)]
    [InlineData(CoreRelocationKind.TypeExists, "0", 1)]
    public void Field_and_type_relocations_take_the_kernels_values(CoreRelocationKind kind, string access, int expected)
    {
        var local = new Local();
        var (instructions, relocator) = Relocate(local, local.Record(kind, local.Task, access), MovImm);
        Assert.Equal(expected, instructions[0].Immediate);
        Assert.Empty(relocator.Poisoned);
    }

    [Fact]
    public void Memory_access_gets_the_new_offset_in_its_offset_field()
    {
        var local = new Local();
        var (instructions, _) = Relocate(local, local.Record(CoreRelocationKind.FieldByteOffset, local.Task, "0:1"), LoadWord);
        Assert.Equal(8, instructions[0].Offset);
        Assert.Equal(LoadWord, instructions[0].Opcode);
    }

    [Fact]
    public void Direct_load_of_a_field_that_grew_is_widened_to_the_kernels_size()
    {
        var local = new Local();
        // In this kernel tgid is a long at 8: the 4-byte load (BPF_W) becomes an 8-byte one (BPF_DW).
        var wider = new BtfBuilder();
        wider.Composite(BtfKind.Struct, "task_struct", 16, ("tgid", wider.Int("long", 8, signed: true), 64, 0));
        var (instructions, _) = Relocate(local, local.Record(CoreRelocationKind.FieldByteOffset, local.Task, "0:1"), LoadWord, BtfData.Parse(wider.Build()));
        Assert.Equal((byte)0x79, instructions[0].Opcode);
        Assert.Equal(8, instructions[0].Offset);
    }

    [Fact]
    public void Enum_value_comes_from_the_kernels_enum_and_a_missing_one_reads_as_absent()
    {
        var local = new Local();
        var (value, _) = Relocate(local, local.Record(CoreRelocationKind.EnumValue, local.PidType, "0"), BpfInstruction.LoadImm64);
        Assert.Equal(3, value[0].Immediate);
        Assert.Equal(0, value[1].Immediate);
        var (exists, _) = Relocate(local, local.Record(CoreRelocationKind.EnumValueExists, local.PidType, "1"), BpfInstruction.LoadImm64);
        Assert.Equal(0, exists[0].Immediate);
    }

    [Fact]
    public void Unsatisfied_relocation_poisons_both_slots_of_an_ld_imm64_and_says_why()
    {
        var local = new Local();
        var (instructions, relocator) = Relocate(local, local.Record(CoreRelocationKind.FieldByteOffset, local.Task, "0:4"), BpfInstruction.LoadImm64);
        Assert.All(instructions, i => Assert.Equal((BpfInstruction.Call, CoreRelocator.PoisonImmediate), (i.Opcode, i.Immediate)));
        Assert.Equal("task_struct.gone: no such field in this kernel", relocator.Poisoned[0]);

        var (_, enumRelocator) = Relocate(local, local.Record(CoreRelocationKind.EnumValue, local.PidType, "1"), MovImm);
        Assert.Equal("enum pid_type::PIDTYPE_GONE___local: no such enumerator in this kernel", enumRelocator.Poisoned[0]);
    }

    [Fact]
    public void Type_missing_from_the_kernel_is_absent_for_exists_and_poison_for_size()
    {
        var local = new Local();
        var kernel = BtfData.Parse(new Func<byte[]>(() => { var b = new BtfBuilder(); b.Int("int", 4); return b.Build(); })());
        var (exists, _) = Relocate(local, local.Record(CoreRelocationKind.TypeExists, local.Task, "0"), MovImm, kernel);
        Assert.Equal(0, exists[0].Immediate);
        var (_, relocator) = Relocate(local, local.Record(CoreRelocationKind.TypeSize, local.Task, "0"), MovImm, kernel);
        Assert.Equal("task_struct: no type named 'task_struct' in this kernel", relocator.Poisoned[0]);
    }

    [Fact]
    public void Candidates_that_disagree_are_an_error_and_candidates_that_agree_are_not()
    {
        var local = new Local();
        var conflicting = Kernel(b => b.Composite(BtfKind.Struct, "task_struct", 8, ("tgid", b.Int("int32", 4, true), 0, 0)));
        var error = Assert.Throws<BtfException>(() => Relocate(local, local.Record(CoreRelocationKind.FieldByteOffset, local.Task, "0:1"), MovImm, conflicting));
        Assert.Contains("ambiguous", error.Message);

        // A second candidate without the field does not count against the one that has it.
        var partial = Kernel(b => b.Composite(BtfKind.Struct, "task_struct", 8, ("other", b.Int("int32", 4, true), 0, 0)));
        var (instructions, _) = Relocate(local, local.Record(CoreRelocationKind.FieldByteOffset, local.Task, "0:1"), MovImm, partial);
        Assert.Equal(8, instructions[0].Immediate);
    }

    [Fact]
    public void Type_matches_needs_every_local_member_in_the_kernel()
    {
        var local = new Local();
        var (whole, _) = Relocate(local, local.Record(CoreRelocationKind.TypeMatches, local.Task, "0"), MovImm);
        Assert.Equal(0, whole[0].Immediate); // 'gone' is missing
        var fits = Kernel(b => b.Composite(BtfKind.Struct, "task_struct", 64,
            ("pid", 2, 0, 0), ("tgid", 2, 32, 0), ("flags", 3, 64, 3), ("comm", 5, 96, 0), ("gone", 2, 224, 0), ("extra", 1, 256, 0)));
        // Now two candidates: the original (no 'gone') does not match, this one does.
        var (matched, _) = Relocate(local, local.Record(CoreRelocationKind.TypeMatches, local.Task, "0"), MovImm, fits);
        Assert.Equal(1, matched[0].Immediate);
    }
}
