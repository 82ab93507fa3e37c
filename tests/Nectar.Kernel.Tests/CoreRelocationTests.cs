using Nectar.Btf;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// CO-RE against this kernel. The program's local task_struct has its own member order and a
/// member the kernel lacks; what it reads must be what the kernel holds (its own tgid and its
/// parent's), and the offsets, sizes and enum values must be vmlinux BTF's.
/// </summary>
public class CoreRelocationTests
{
    [KernelFact]
    public void Relocated_reads_offsets_existence_and_enum_values_hold_in_this_kernel()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("core_reads"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        using var obj = spec.Load();
        using (obj.Programs["read_task"].Attach())
            File.Exists("/proc/self/stat");

        T Read<T>(string name) where T : unmanaged => obj.Variables[name].Get<T>();
        var vmlinux = VmlinuxBtf.Instance;
        var task = vmlinux.GetByName("task_struct", BtfKind.Struct);

        Assert.Equal(Environment.ProcessId, Read<int>("read_tgid"));
        Assert.Equal(ParentProcessId(), Read<int>("read_parent_tgid"));
        Assert.Equal(vmlinux.FindMember(task.Id, "pid")!.Value.ByteOffset, Read<uint>("pid_offset"));
        Assert.Equal(4u, Read<uint>("tgid_size"));
        Assert.Equal(task.Size, Read<uint>("task_size"));
        Assert.Equal(0u, Read<uint>("has_missing_field"));
        Assert.Equal(1u, Read<uint>("has_task_type"));
        Assert.Equal(0u, Read<uint>("has_missing_type"));
        long sid = vmlinux.GetByName("pid_type", BtfKind.Enum).EnumValues.Single(v => v.Name == "PIDTYPE_SID").Value;
        Assert.Equal((ulong)sid, Read<ulong>("sid_value"));
        Assert.Equal(0u, Read<uint>("has_missing_enumerator"));
        Assert.Equal(0u, Read<uint>("guarded_reads"));
    }

    [KernelFact]
    public void Unguarded_read_of_a_missing_field_fails_naming_the_field()
    {
        var error = Assert.Throws<BpfVerifierException>(() => BpfObject.Load(BpfObjects.PathOf("core_unguarded")));
        Assert.StartsWith("task_struct___nectar.nectar_no_such_field: no such field in this kernel", error.FailedRelocation); // the type as the C source names it, flavor included
        Assert.Contains("task_struct___nectar.nectar_no_such_field: no such field in this kernel", error.Message);
        Assert.Contains("bpf/core_unguarded.bpf.c:", error.Message);
    }

    [KernelFact]
    public void KernelBtf_replaces_the_running_kernels_types_for_CO_RE()
    {
        // Types of another "kernel": a BPF object's BTF, which has no task_struct. The same object
        // that loads against the running kernel (above) now has relocations nothing satisfies.
        var foreign = Nectar.Btf.Btf.Load(Fixtures.PathOf("btf/emission.bpf.o"));
        Assert.Null(foreign.FindByName("task_struct", BtfKind.Struct));
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("core_reads"));

        var error = Assert.ThrowsAny<NectarException>(() => spec.Load(new BpfLoadOptions { KernelBtf = foreign }).Dispose());

        Assert.Contains("task_struct", error.Message);
        using var loaded = spec.Load(new BpfLoadOptions { KernelBtf = VmlinuxBtf.Instance });
        Assert.NotNull(loaded.Programs["read_task"]);
    }

    private static int ParentProcessId()
    {
        // /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the ')'.
        string stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }
}
