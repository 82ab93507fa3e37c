using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

public class BtfReaderTests
{
    private static Nectar.Btf.Btf Vmlinux => Fixtures.VmlinuxBtf;

    [Fact]
    public void Finds_task_struct_and_reads_pid_through_its_members()
    {
        var task = Vmlinux.GetByName("task_struct", BtfKind.Struct);
        Assert.True(task.Size > 1000, $"task_struct is {task.Size} bytes");
        var pid = Vmlinux.FindMember(task.Id, "pid");
        Assert.NotNull(pid);
        Assert.Equal(0u, pid.Value.BitOffset % 8);
        var pidType = Vmlinux.GetType(pid.Value.TypeId);
        Assert.Equal("pid_t", pidType.Name);
        var underlying = Vmlinux.SkipModifiersAndTypedefs(pidType.Id);
        Assert.Equal(BtfKind.Int, underlying.Kind);
        Assert.Equal(4u, underlying.Size);
        Assert.True(underlying.IsSigned);
        Assert.Equal(4u, Vmlinux.SizeOf(pidType.Id));
    }

    [Fact]
    public void Struct_sizes_are_consistent_with_their_last_member_and_alignment()
    {
        int checkedStructs = 0;
        foreach (var type in Vmlinux.Types)
        {
            if (type.Kind != BtfKind.Struct || type.Vlen == 0 || type.IsAnonymous)
                continue;
            var last = type.GetMember(type.Vlen - 1);
            uint end = last.IsBitfield ? (last.BitOffset + last.BitfieldSize + 7) / 8 : last.ByteOffset + SafeSize(last.TypeId);
            Assert.True(end <= type.Size, $"{type}: last member ends at {end}, past size {type.Size}");
            checkedStructs++;
        }
        Assert.True(checkedStructs > 5000, $"only {checkedStructs} structs checked");
    }

    private static uint SafeSize(uint id)
    {
        var t = Vmlinux.SkipModifiersAndTypedefs(id);
        // Flexible array members have count 0 and so size 0.
        return t.Kind == BtfKind.Array && t.Array.Count == 0 ? 0 : Vmlinux.SizeOf(id);
    }

    [Fact]
    public void Finds_a_member_inside_an_anonymous_union_with_its_path()
    {
        // struct file has 'f_path' inside nested anonymous members on recent kernels; use a type
        // known to nest: struct page's 'lru' sits in an anonymous union of anonymous structs.
        var page = Vmlinux.GetByName("page", BtfKind.Struct);
        var path = new List<int>();
        var lru = Vmlinux.FindMember(page.Id, "lru", path);
        Assert.NotNull(lru);
        Assert.True(path.Count >= 2, "lru is reached through anonymous members");
        Assert.Equal(string.Empty, page.GetMember(path[0]).Name);
    }

    [Fact]
    public void Raw_tracepoint_prototype_of_sched_process_exec_has_three_typed_arguments()
    {
        var arguments = Vmlinux.FindRawTracepointArguments("sched_process_exec");
        Assert.NotNull(arguments);
        Assert.Equal(3, arguments!.Count);
        Assert.Equal("task_struct", Vmlinux.SkipModifiers(Vmlinux.GetType(arguments[0].TypeId).TypeId).Name);
        Assert.Equal("pid_t", Vmlinux.GetType(arguments[1].TypeId).Name);
        Assert.Equal("linux_binprm", Vmlinux.SkipModifiers(Vmlinux.GetType(arguments[2].TypeId).TypeId).Name);
        Assert.Null(Vmlinux.FindRawTracepointArguments("no_such_tracepoint"));
    }

    [Fact]
    public void Unknown_type_names_suggest_close_ones()
    {
        var error = Assert.Throws<BtfException>(() => Vmlinux.GetByName("task_strukt", BtfKind.Struct));
        Assert.Contains("'task_struct'", error.Message);
    }

    [Fact]
    public void Enum64_types_are_read_with_their_values()
    {
        var enum64 = Vmlinux.Types.FirstOrDefault(t => t.Kind == BtfKind.Enum64);
        Assert.False(enum64.IsVoid, "this kernel's BTF has ENUM64 types");
        Assert.Equal(enum64.Vlen, enum64.EnumValues.Count);
        Assert.Equal(8u, enum64.Size);
    }

    [Fact]
    public void Truncated_blob_names_the_offset()
    {
        var bytes = Fixtures.VmlinuxBtfBytes.AsSpan(0, 1000).ToArray();
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(bytes));
        Assert.Contains("truncated", error.Message);
        Assert.True(error.Offset >= 0);
    }

    [Fact]
    public void Big_endian_blob_is_refused_with_a_clear_message()
    {
        var bytes = Fixtures.VmlinuxBtfBytes.AsSpan(0, 64).ToArray();
        (bytes[0], bytes[1]) = (bytes[1], bytes[0]);
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(bytes));
        Assert.Contains("big-endian", error.Message);
    }
}
