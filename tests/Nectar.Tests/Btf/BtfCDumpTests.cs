using System.Text;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

public class BtfCDumpTests
{
    private static Nectar.Btf.Btf Vmlinux => Fixtures.VmlinuxBtf;

    [OracleFact(Oracle.Clang)]
    public void Whole_vmlinux_dump_compiles_for_bpf_and_clang_lays_out_every_struct_as_btf_says()
    {
        var dir = Directory.CreateTempSubdirectory("nectar-cdump-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "vmlinux.h"), BtfCDump.ToString(Vmlinux));
            File.WriteAllText(Path.Combine(dir.FullName, "core.bpf.c"), CoreProgram.Source);
            File.WriteAllText(Path.Combine(dir.FullName, "layout.c"), LayoutAssertions(out int asserted));
            Assert.True(asserted > 40_000, $"only {asserted} layout assertions");

            var core = Processes.Run(Clang.Command, ["-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-Werror", "-c", "core.bpf.c", "-o", "core.bpf.o"], dir.FullName);
            Assert.True(core.ExitCode == 0, core.Error);
            var coreBtf = Nectar.Btf.Btf.Load(Path.Combine(dir.FullName, "core.bpf.o"));
            Assert.Equal(Vmlinux.GetByName("task_struct", BtfKind.Struct).Size, coreBtf.GetByName("task_struct", BtfKind.Struct).Size);

            // Every uniquely named struct and union: its size and its members' offsets as clang computes them for BPF.
            var layout = Processes.Run(Clang.Command, ["-target", "bpf", "-fsyntax-only", "-ferror-limit=20", "layout.c"], dir.FullName);
            Assert.True(layout.ExitCode == 0, layout.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>_Static_asserts of sizeof and offsetof from BTF, for every struct and union whose tag is unique.</summary>
    private static string LayoutAssertions(out int count)
    {
        var tags = Vmlinux.Types.Where(t => !t.IsAnonymous && t.Kind is BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Fwd)
            .GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Count());
        var text = new StringBuilder("#include \"vmlinux.h\"\n");
        count = 0;
        foreach (var type in Vmlinux.Types)
        {
            if (type.IsAnonymous || !type.IsComposite || tags[type.Name] != 1 || HoldsVaList(type.Id, 0))
                continue;
            string tag = (type.Kind == BtfKind.Struct ? "struct " : "union ") + type.Name;
            text.Append($"_Static_assert(sizeof({tag}) == {type.Size}, \"{tag}\");\n");
            count++;
            foreach (var member in type.Members.Where(m => m.Name.Length > 0 && !m.IsBitfield))
            {
                text.Append($"_Static_assert(__builtin_offsetof({tag}, {member.Name}) == {member.ByteOffset}, \"{tag}.{member.Name}\");\n");
                count++;
            }
        }
        return text.ToString();
    }

    // clang's __builtin_va_list is a pointer for BPF but 24 bytes in x86 BTF; bpftool has the same limit.
    private static bool HoldsVaList(uint id, int depth)
    {
        var type = Vmlinux.SkipModifiers(id);
        if (type.Kind == BtfKind.Typedef)
            return type.Name == "__builtin_va_list" || HoldsVaList(type.TypeId, depth + 1);
        if (type.Kind == BtfKind.Array)
            return HoldsVaList(type.Array.ElementTypeId, depth + 1);
        return type.IsComposite && depth < 20 && type.Members.Any(m => HoldsVaList(m.TypeId, depth + 1));
    }

    [Fact]
    public void Committed_vmlinux_h_is_the_dump_of_the_committed_fixture_and_the_dump_is_deterministic()
    {
        string dump = BtfCDump.ToString(Vmlinux);
        Assert.Equal(dump, BtfCDump.ToString(Nectar.Btf.Btf.Parse(Fixtures.VmlinuxBtfBytes)));
        string committed = File.ReadAllText(Path.Combine(Fixtures.Directory, "..", "..", "bpf", "include", "vmlinux.h"));
        Assert.True(committed == dump, "bpf/include/vmlinux.h is stale: regenerate it with `nectar btf dump FIXTURE > bpf/include/vmlinux.h` (see bpf/README.md).");
        Assert.StartsWith("#ifndef __VMLINUX_H__", dump);
        Assert.Contains("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)", dump);
    }

    [Fact]
    public void Limited_dump_has_the_type_what_it_holds_and_forward_declarations_for_what_it_points_to()
    {
        var binprm = Vmlinux.GetByName("linux_binprm", BtfKind.Struct);
        string dump = BtfCDump.ToString(Vmlinux, [binprm.Id]);
        Assert.Contains("struct linux_binprm {", dump);
        Assert.Contains("struct file;", dump);          // only pointed to
        Assert.DoesNotContain("struct file {", dump);
        Assert.Contains("struct rlimit {", dump);        // held by value
        Assert.True(dump.IndexOf("struct rlimit {") < dump.IndexOf("struct linux_binprm {"), "a type held by value comes first");
        Assert.True(dump.Length < 20_000, $"{dump.Length} characters for one struct");
    }

    [Fact]
    public void Layout_that_natural_alignment_misses_gets_packed_and_padding()
    {
        var b = new BtfBuilder();
        uint u8 = b.AddInt("unsigned char", 1);
        uint u32 = b.AddInt("unsigned int", 4);
        uint u64 = b.AddInt("long long unsigned int", 8);
        // An int at byte 1: only a packed struct puts it there.
        uint packed = b.AddStruct("packed_one", 5, [new BtfMember("a", u8, 0, 0), new BtfMember("b", u32, 8, 0)]);
        // A gap (aligned(16) member in the source) and tail padding (aligned(64) struct).
        uint padded = b.AddStruct("padded", 64, [new BtfMember("a", u32, 0, 0), new BtfMember("b", u64, 128, 0)]);
        // Bitfields, and an anonymous union inline.
        uint union = b.AddUnion("", 8, [new BtfMember("x", u64, 0, 0), new BtfMember("y", u32, 0, 0)]);
        uint bits = b.AddStruct("bits", 16, [new BtfMember("f", u32, 0, 3), new BtfMember("g", u32, 3, 7), new BtfMember("", union, 64, 0)]);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());
        string dump = BtfCDump.ToString(btf);

        Assert.Contains("struct packed_one {\n\tunsigned char a;\n\tunsigned int b;\n} __attribute__((packed));", dump);
        Assert.Contains("struct padded {\n\tunsigned int a;\n\tint: 32;\n\tlong: 64;\n\tlong long unsigned int b;\n\tlong: 64;\n\tlong: 64;\n\tlong: 64;\n\tlong: 64;\n\tlong: 64;\n};", dump);
        Assert.Contains("struct bits {\n\tunsigned int f: 3;\n\tunsigned int g: 7;\n\tunion {\n\t\tlong long unsigned int x;\n\t\tunsigned int y;\n\t};\n};", dump);
        Assert.Equal([packed, padded, bits], btf.Types.Where(t => t.Kind == BtfKind.Struct).Select(t => t.Id));
    }

    [Fact]
    public void Pointer_cycles_get_forward_declarations_and_declarators_read_as_c()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4, BtfIntEncoding.Signed);
        uint nodePointer = b.AddPointer(b.NextTypeId + 6); // struct node, added last
        uint proto = b.AddFuncProto(i, [new BtfParam("n", nodePointer), new BtfParam("", 0)]);
        uint callback = b.AddTypedef("callback_t", b.AddPointer(proto));
        uint table = b.AddArray(b.AddModifier(BtfKind.Const, nodePointer), i, 1);
        uint node = b.AddStruct("node", 24, [new BtfMember("next", nodePointer, 0, 0), new BtfMember("cb", callback, 64, 0), new BtfMember("table", table, 128, 0)]);
        var btf = Nectar.Btf.Btf.Parse(b.ToArray());
        string dump = BtfCDump.ToString(btf);

        Assert.Equal(node, btf.GetByName("node", BtfKind.Struct).Id);
        Assert.Contains("struct node;\n\ntypedef int (*callback_t)(struct node *, ...);\n\nstruct node {\n\tstruct node *next;\n\tcallback_t cb;\n\tstruct node *const table[1];\n};", dump);
    }

    [Fact]
    public void Duplicate_names_are_made_unique_as_libbpf_does()
    {
        var b = new BtfBuilder();
        uint i = b.AddInt("int", 4, BtfIntEncoding.Signed);
        b.AddStruct("dup", 4, [new BtfMember("a", i, 0, 0)]);
        b.AddStruct("dup", 8, [new BtfMember("a", i, 0, 0), new BtfMember("b", i, 32, 0)]);
        b.AddEnum("first", 4, false, [new BtfEnumValue("VALUE", 1)]);
        b.AddEnum("second", 4, false, [new BtfEnumValue("VALUE", 2)]);
        string dump = BtfCDump.ToString(Nectar.Btf.Btf.Parse(b.ToArray()));
        Assert.Contains("struct dup {\n\tint a;\n};", dump);
        Assert.Contains("struct dup___2 {", dump);
        Assert.Contains("\tVALUE = 1,", dump);
        Assert.Contains("\tVALUE___2 = 2,", dump);
    }
}
