using Nectar.Btf;
using Nectar.Relocation;

namespace Nectar.Tests.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// Relocations against small target BTF made with <see cref="BtfBuilder"/>, where the kernel's
/// offsets, sizes and enum values differ from the object's, checking the patched instruction bytes.
/// </summary>
public sealed class SyntheticRelocationTests
{
    private const uint Int = 1, UInt = 2, ULong = 3; // the first three types of every blob below

    private static BtfBuilder Start()
    {
        var builder = new BtfBuilder();
        builder.AddInt("int", 4, BtfIntEncoding.Signed);
        builder.AddInt("unsigned int", 4);
        builder.AddInt("unsigned long", 8);
        return builder;
    }

    private static Btf Parse(BtfBuilder builder) => Btf.Parse(builder.ToArray());

    // Local: struct task { int pid; unsigned int flags; } (pid at 0, flags at 4).
    private static (Btf Btf, uint Task) Local(string name = "task", uint flagsType = UInt)
    {
        var builder = Start();
        uint task = builder.AddStruct(name, 8, [new("pid", Int, 0, 0), new("flags", flagsType, 32, 0)]);
        return (Parse(builder), task);
    }

    private static CoreRelocationReport Apply(byte[] code, Btf local, CoreRelocation relocation, params Btf[] targets) =>
        CoreRelocator.Apply(code, 0, [relocation], local, targets);

    [Fact]
    public void Load_offset_becomes_the_targets_offset()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 64, [new("state", ULong, 0, 0), new("flags", UInt, 96, 0), new("pid", Int, 320, 0)]);
        byte[] code = Insn.LoadWord(4);

        var report = Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(12, Insn.Offset(code, 0));
        var result = Assert.Single(report.Results);
        Assert.Equal(("task.flags", 4UL, 12UL), (result.Access, result.OriginalValue, result.NewValue));
    }

    [Fact]
    public void Member_moved_into_an_anonymous_union_is_found_there()
    {
        var (local, task) = Local();
        var target = Start();
        uint inner = target.AddUnion("", 8, [new("flags", UInt, 0, 0), new("all", ULong, 0, 0)]);
        target.AddStruct("task", 24, [new("pid", Int, 0, 0), new("", inner, 128, 0)]);
        byte[] code = Insn.MoveImmediate(4);

        Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(16, Insn.Immediate(code, 0));
    }

    [Fact]
    public void Array_element_offset_uses_the_targets_array_position_and_element_size()
    {
        var builder = Start();
        uint array = builder.AddArray(UInt, Int, 4);
        uint local = builder.AddStruct("holder", 20, [new("count", Int, 0, 0), new("slots", array, 32, 0)]);
        var target = Start();
        uint bigArray = target.AddArray(ULong, Int, 8);
        target.AddStruct("holder", 80, [new("count", Int, 0, 0), new("slots", bigArray, 128, 0)]);
        byte[] code = Insn.MoveImmediate(4 + 3 * 4);

        var report = Apply(code, Parse(builder), new CoreRelocation(0, local, "0:1:3", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(16 + 3 * 8, Insn.Immediate(code, 0));
        Assert.Equal("holder.slots[3]", Assert.Single(report.Results).Access);
    }

    [Fact]
    public void Index_beyond_the_targets_array_is_not_a_match_and_poisons()
    {
        var builder = Start();
        uint array = builder.AddArray(UInt, Int, 8);
        uint local = builder.AddStruct("holder", 32, [new("slots", array, 0, 0)]);
        var target = Start();
        target.AddStruct("holder", 8, [new("slots", target.AddArray(UInt, Int, 2), 0, 0)]);
        byte[] code = Insn.LoadWord(20);

        var report = Apply(code, Parse(builder), new CoreRelocation(0, local, "0:0:5", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(CoreRelocationOutcome.Poisoned, Assert.Single(report.Results).Outcome);
        Assert.Contains("index 5 is outside the array of 2", Assert.Single(report.Results).Reason);
    }

    [Fact]
    public void Flexible_array_is_indexed_past_its_declared_end()
    {
        var builder = Start();
        uint local = builder.AddStruct("packet", 4, [new("length", Int, 0, 0), new("data", builder.AddArray(UInt, Int, 0), 32, 0)]);
        var target = Start();
        target.AddStruct("packet", 16, [new("flags", ULong, 0, 0), new("length", Int, 64, 0), new("data", target.AddArray(UInt, Int, 0), 96, 0)]);
        byte[] code = Insn.MoveImmediate(4 + 5 * 4);

        Apply(code, Parse(builder), new CoreRelocation(0, local, "0:1:5", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(12 + 5 * 4, Insn.Immediate(code, 0));
    }

    [Fact]
    public void A_missing_step_in_the_middle_of_a_chain_is_named()
    {
        var builder = Start();
        uint parent = builder.AddStruct("parent", 4, [new("id", Int, 0, 0)]);
        uint child = builder.AddStruct("child", 8, [new("up", parent, 0, 0), new("id", Int, 32, 0)]);
        var target = Start();
        uint targetParent = target.AddStruct("parent", 4, [new("ident", Int, 0, 0)]);
        target.AddStruct("child", 8, [new("up", targetParent, 0, 0)]);
        byte[] code = Insn.LoadWord(0);

        var report = Apply(code, Parse(builder), new CoreRelocation(0, child, "0:0:0", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal("child.up.id: no such field in this kernel (no field 'id' in struct parent)", report.DescribePoisonedInstruction(0));
    }

    [Fact]
    public void Unsigned_field_that_grew_gets_a_wider_load()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 16, [new("pid", Int, 0, 0), new("flags", ULong, 64, 0)]);
        byte[] code = Insn.LoadWord(4);

        Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(0x79, Insn.Opcode(code, 0)); // LDX | MEM | DW
        Assert.Equal(8, Insn.Offset(code, 0));
    }

    [Fact]
    public void Signed_field_that_changed_size_is_poisoned_rather_than_misread()
    {
        var (local, task) = Local(flagsType: Int);
        var target = Start();
        uint longType = target.AddInt("long", 8, BtfIntEncoding.Signed);
        target.AddStruct("task", 16, [new("pid", Int, 0, 0), new("flags", longType, 64, 0)]);
        byte[] code = Insn.LoadWord(4);

        var report = Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(0x85, Insn.Opcode(code, 0));
        Assert.Equal(0xbad2310, Insn.Immediate(code, 0));
        Assert.Contains("8 bytes in this kernel, not 4", Assert.Single(report.Poisoned).Reason);
    }

    [Fact]
    public void Field_size_and_existence_follow_the_target()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 16, [new("pid", Int, 0, 0), new("flags", ULong, 64, 0)]);
        byte[] code = [.. Insn.MoveImmediate(4), .. Insn.MoveImmediate(1), .. Insn.MoveImmediate(1)];
        var targets = new[] { Parse(target) };

        CoreRelocator.Apply(code, 0, [
            new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteSize),
            new CoreRelocation(8, task, "0:1", CoreRelocationKind.FieldExists),
            new CoreRelocation(16, task, "0:0", CoreRelocationKind.FieldSigned)], local, targets);

        Assert.Equal([8, 1, 1], new[] { Insn.Immediate(code, 0), Insn.Immediate(code, 1), Insn.Immediate(code, 2) });
    }

    [Fact]
    public void Missing_field_reads_as_absent_and_its_load_is_poisoned_with_the_reason()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 4, [new("pid", Int, 0, 0)]);
        byte[] code = [.. Insn.MoveImmediate(1), .. Insn.LoadWord(4)];

        var report = CoreRelocator.Apply(code, 0, [
            new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldExists),
            new CoreRelocation(8, task, "0:1", CoreRelocationKind.FieldByteOffset)], local, [Parse(target)]);

        Assert.Equal(0, Insn.Immediate(code, 0));
        Assert.Equal(0x85, Insn.Opcode(code, 1));
        Assert.Equal("task.flags: no such field in this kernel (no field 'flags' in struct task)", report.DescribePoisonedInstruction(1));
    }

    [Fact]
    public void Bitfield_shifts_and_load_word_follow_the_target_bit_position()
    {
        var builder = Start();
        uint local = builder.AddStruct("bits", 4, [new("low", UInt, 0, 3), new("mode", UInt, 3, 5)]);
        var target = Start();
        uint signed = target.AddInt("int", 4, BtfIntEncoding.Signed);
        target.AddStruct("bits", 8, [new("low", UInt, 0, 3), new("mode", signed, 40, 5)]);
        byte[] code = [.. Insn.MoveImmediate(0), .. Insn.MoveImmediate(4), .. Insn.MoveImmediate(56), .. Insn.MoveImmediate(59), .. Insn.MoveImmediate(0)];
        var kinds = new[] { CoreRelocationKind.FieldByteOffset, CoreRelocationKind.FieldByteSize, CoreRelocationKind.FieldLeftShiftU64,
            CoreRelocationKind.FieldRightShiftU64, CoreRelocationKind.FieldSigned };

        CoreRelocator.Apply(code, 0, kinds.Select((k, i) => new CoreRelocation((uint)i * 8, local, "0:1", k)).ToList(), Parse(builder), [Parse(target)]);

        // Bits 40..44 sit in the second 4-byte word: load it, shift left by 64-(40+5-32)=51, right by 64-5=59, sign-extend.
        Assert.Equal([4, 4, 51, 59, 1], Enumerable.Range(0, 5).Select(i => Insn.Immediate(code, i)).ToArray());
    }

    [Fact]
    public void Enum_value_is_the_targets_through_alu_and_64_bit_loads()
    {
        var builder = Start();
        uint local = builder.AddEnum("mode", 4, false, [new("MODE_A", 1), new("MODE_B", 2)]);
        var target = Start();
        target.AddEnum64("mode", 8, false, [new("MODE_B", 0x1_0000_0005), new("MODE_A", 7)]);
        byte[] code = [.. Insn.MoveImmediate(1), .. Insn.LoadImm64(2)];

        CoreRelocator.Apply(code, 0, [
            new CoreRelocation(0, local, "0", CoreRelocationKind.EnumValue),
            new CoreRelocation(8, local, "1", CoreRelocationKind.EnumValue)], Parse(builder), [Parse(target)]);

        Assert.Equal(7, Insn.Immediate(code, 0));
        Assert.Equal(0x1_0000_0005, Insn.Imm64(code, 1));
    }

    [Fact]
    public void Missing_enumerator_poisons_both_halves_of_its_64_bit_load()
    {
        var builder = Start();
        uint local = builder.AddEnum("mode", 4, false, [new("MODE_GONE", 3)]);
        var target = Start();
        target.AddEnum("mode", 4, false, [new("MODE_A", 1)]);
        byte[] code = Insn.LoadImm64(3);

        var report = Apply(code, Parse(builder), new CoreRelocation(0, local, "0", CoreRelocationKind.EnumValue), Parse(target));

        Assert.Equal([0x85, 0x85], new[] { Insn.Opcode(code, 0), Insn.Opcode(code, 1) });
        Assert.StartsWith("mode::MODE_GONE: no such enumerator in this kernel", report.DescribePoisonedInstruction(1));
    }

    [Fact]
    public void Type_size_existence_and_ids_follow_the_target()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("other", 4, [new("x", Int, 0, 0)]);
        uint targetTask = target.AddStruct("task", 48, [new("pid", Int, 0, 0)]);
        var builder = Start();
        uint absent = builder.AddStruct("nowhere", 4, [new("x", Int, 0, 0)]);
        byte[] code = [.. Insn.MoveImmediate(8), .. Insn.MoveImmediate(1), .. Insn.LoadImm64(task)];
        byte[] absentCode = [.. Insn.MoveImmediate(1), .. Insn.MoveImmediate(4)];
        var targets = new[] { Parse(target) };

        CoreRelocator.Apply(code, 0, [
            new CoreRelocation(0, task, "0", CoreRelocationKind.TypeSize),
            new CoreRelocation(8, task, "0", CoreRelocationKind.TypeExists),
            new CoreRelocation(16, task, "0", CoreRelocationKind.TargetTypeId)], local, targets);
        CoreRelocator.Apply(absentCode, 0, [
            new CoreRelocation(0, absent, "0", CoreRelocationKind.TypeExists),
            new CoreRelocation(8, absent, "0", CoreRelocationKind.TypeSize)], Parse(builder), targets);

        Assert.Equal((48, 1, (long)targetTask), (Insn.Immediate(code, 0), Insn.Immediate(code, 1), Insn.Imm64(code, 2)));
        byte[] localId = Insn.LoadImm64(12345); // the compiler's id may be stale after linking; it becomes the object's own id
        Apply(localId, local, new CoreRelocation(0, task, "0", CoreRelocationKind.LocalTypeId), targets);
        Assert.Equal(task, (uint)Insn.Imm64(localId, 0));
        Assert.Equal((0, 0), (Insn.Immediate(absentCode, 0), Insn.Immediate(absentCode, 1)));
    }

    [Fact]
    public void A_local_flavor_matches_the_plain_target_type()
    {
        var (local, task) = Local("task___v2");
        var target = Start();
        target.AddStruct("task", 16, [new("flags", UInt, 64, 0), new("pid", Int, 96, 0)]);
        byte[] code = Insn.LoadWord(4);

        var report = Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(8, Insn.Offset(code, 0));
        Assert.Equal("task___v2.flags", Assert.Single(report.Results).Access);
    }

    [Fact]
    public void Candidates_that_disagree_on_the_offset_are_refused_as_ambiguous()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 8, [new("pid", Int, 0, 0), new("flags", UInt, 32, 0)]);
        target.AddStruct("task___other", 16, [new("pid", Int, 0, 0), new("flags", UInt, 96, 0)]);

        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(Insn.LoadWord(4), local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target)));

        Assert.Contains("task.flags is ambiguous", error.Message);
    }

    [Fact]
    public void Candidates_that_agree_are_fine_and_a_non_matching_one_is_ignored()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 8, [new("pid", Int, 0, 0), new("flags", UInt, 32, 0)]);
        target.AddStruct("task___same", 8, [new("pid", Int, 0, 0), new("flags", UInt, 32, 0)]);
        target.AddStruct("task___old", 4, [new("pid", Int, 0, 0)]);
        byte[] code = Insn.LoadWord(4);

        Apply(code, local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), Parse(target));

        Assert.Equal(4, Insn.Offset(code, 0));
    }

    [Fact]
    public void Module_btf_is_searched_only_for_types_vmlinux_lacks()
    {
        var builder = Start();
        uint local = builder.AddStruct("module_thing", 8, [new("a", Int, 0, 0), new("b", Int, 32, 0)]);
        var vmlinuxBuilder = Start();
        vmlinuxBuilder.AddStruct("task", 4, [new("pid", Int, 0, 0)]);
        var vmlinux = Parse(vmlinuxBuilder);
        var module = new BtfBuilder(vmlinux);
        module.AddStruct("module_thing", 12, [new("b", Int, 64, 0), new("a", Int, 0, 0)]);
        byte[] code = Insn.LoadWord(4);

        Apply(code, Parse(builder), new CoreRelocation(0, local, "0:1", CoreRelocationKind.FieldByteOffset), vmlinux, Btf.Parse(module.ToArray(), vmlinux));

        Assert.Equal(8, Insn.Offset(code, 0));
    }

    [Fact]
    public void Module_btf_files_are_parsed_only_when_vmlinux_lacks_the_type()
    {
        var vmlinuxBuilder = Start();
        vmlinuxBuilder.AddStruct("task", 8, [new("pid", Int, 0, 0), new("flags", UInt, 32, 0)]);
        var vmlinux = Parse(vmlinuxBuilder);
        var module = new BtfBuilder(vmlinux);
        module.AddStruct("module_thing", 12, [new("flags", UInt, 64, 0)]);
        var directory = Directory.CreateTempSubdirectory("nectar-core-targets-");
        try
        {
            File.WriteAllBytes(Path.Combine(directory.FullName, "vmlinux"), vmlinuxBuilder.ToArray());
            File.WriteAllBytes(Path.Combine(directory.FullName, "nectar_mod"), module.ToArray());
            var targets = CoreTargets.FromDirectory(directory.FullName, vmlinux);
            var builder = Start();
            uint task = builder.AddStruct("task", 8, [new("pid", Int, 0, 0), new("flags", UInt, 32, 0)]);
            uint thing = builder.AddStruct("module_thing", 4, [new("flags", UInt, 0, 0)]);
            var relocator = new CoreRelocator(Parse(builder), targets);
            byte[] code = [.. Insn.LoadWord(4), .. Insn.LoadWord(0)];

            relocator.Apply(code.AsSpan(0, 8), 0, [new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset)]);
            Assert.Equal(0, targets.LoadedModuleCount);
            relocator.Apply(code.AsSpan(8, 8), 1, [new CoreRelocation(8, thing, "0:0", CoreRelocationKind.FieldByteOffset)]);

            Assert.Equal(1, targets.LoadedModuleCount);
            Assert.Equal((4, 8), (Insn.Offset(code, 0), Insn.Offset(code, 1)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Relocations_outside_the_span_belong_to_other_functions_and_are_skipped()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 16, [new("pid", Int, 0, 0), new("flags", UInt, 96, 0)]);
        byte[] function = [.. Insn.MoveImmediate(0), .. Insn.LoadWord(4)]; // instructions 10 and 11 of the section

        var report = CoreRelocator.Apply(function, 10, [
            new CoreRelocation(8 * 3, task, "0:1", CoreRelocationKind.FieldByteOffset),
            new CoreRelocation(8 * 11, task, "0:1", CoreRelocationKind.FieldByteOffset)], local, [Parse(target)]);

        Assert.Equal(1, Assert.Single(report.Results).InstructionIndex);
        Assert.Equal(12, Insn.Offset(function, 1));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("0:9", "no member #9")]
    [InlineData("0:x", "'x' is not an index")]
    public void Malformed_access_strings_are_refused_with_the_reason(string access, string reason)
    {
        var (local, task) = Local();
        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(Insn.LoadWord(4), local, new CoreRelocation(0, task, access, CoreRelocationKind.FieldByteOffset), local));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Instruction_that_does_not_hold_the_compilers_value_is_refused()
    {
        var (local, task) = Local();
        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(Insn.LoadWord(6), local, new CoreRelocation(0, task, "0:1", CoreRelocationKind.FieldByteOffset), local));
        Assert.Contains("its offset is 6, but the compiler recorded 4", error.Message);
    }

    [Fact]
    public void Type_matches_checks_members_by_name_and_type()
    {
        var builder = Start();
        uint good = builder.AddStruct("pair", 8, [new("a", Int, 0, 0)]);
        uint bad = builder.AddStruct("pair___bad", 8, [new("a", ULong, 0, 0)]);
        var target = Start();
        target.AddStruct("pair", 8, [new("b", Int, 0, 0), new("a", Int, 32, 0)]);
        byte[] code = [.. Insn.MoveImmediate(1), .. Insn.MoveImmediate(1)];

        CoreRelocator.Apply(code, 0, [
            new CoreRelocation(0, good, "0", CoreRelocationKind.TypeMatches),
            new CoreRelocation(8, bad, "0", CoreRelocationKind.TypeMatches)], Parse(builder), [Parse(target)]);

        Assert.Equal((1, 0), (Insn.Immediate(code, 0), Insn.Immediate(code, 1)));
    }

    [Fact]
    public void Function_pointer_types_exist_when_their_prototypes_are_compatible()
    {
        static uint Handler(BtfBuilder builder, uint parameter) =>
            builder.AddTypedef("handler_t", builder.AddPointer(builder.AddFuncProto(Int, [new("a", Int), new("b", parameter)])));
        var builder = Start();
        uint local = Handler(builder, builder.AddPointer(Int));
        var sameShape = Start();
        Handler(sameShape, sameShape.AddPointer(ULong)); // pointer to another int: compatible
        var otherShape = Start();
        Handler(otherShape, Int);                         // int instead of a pointer: not
        byte[] compatible = Insn.MoveImmediate(1), incompatible = Insn.MoveImmediate(1);

        Apply(compatible, Parse(builder), new CoreRelocation(0, local, "0", CoreRelocationKind.TypeExists), Parse(sameShape));
        Apply(incompatible, Parse(builder), new CoreRelocation(0, local, "0", CoreRelocationKind.TypeExists), Parse(otherShape));

        Assert.Equal((1, 0), (Insn.Immediate(compatible, 0), Insn.Immediate(incompatible, 0)));
    }

    [Fact]
    public void Verifier_log_that_reaches_a_poisoned_instruction_is_explained()
    {
        var (local, task) = Local();
        var target = Start();
        target.AddStruct("task", 4, [new("pid", Int, 0, 0)]);
        byte[] code = [.. Insn.MoveImmediate(0), .. Insn.LoadWord(4)];
        var report = CoreRelocator.Apply(code, 0, [new CoreRelocation(8, task, "0:1", CoreRelocationKind.FieldByteOffset)], local, [Parse(target)]);
        const string log = "0: R1=ctx() R10=fp0\n0: (b7) r1 = 0\n1: (85) call unknown#195896080\ninvalid func unknown#195896080\nprocessed 2 insns\n";

        Assert.Equal(1, CoreRelocationReport.FindPoisonedInstruction(log));
        Assert.StartsWith("instruction 1: CO-RE relocation failed: task.flags: no such field in this kernel", report.ExplainVerifierLog(log));
        Assert.Null(report.ExplainVerifierLog("0: (b7) r0 = 0\nR0 !read_ok\n"));
    }
}
