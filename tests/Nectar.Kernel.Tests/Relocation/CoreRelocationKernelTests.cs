using System.Diagnostics;
using Nectar.Btf;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Relocation;

/// <summary>
/// Loads bpf/core_read.bpf.o, whose task_struct, enum and bitfield declarations deliberately
/// disagree with the kernel's, so that it verifies and reads the right values only when CO-RE
/// relocation has rewritten it; then runs /bin/true and checks each result slot against the
/// running kernel's BTF and the child's real pid.
/// </summary>
public class CoreRelocationKernelTests
{
    private static Nectar.Btf.Btf Kernel => VmlinuxBtf.Instance;

    [KernelFact]
    public void Relocated_program_reads_the_kernels_fields_types_and_enums()
    {
        AfterChildExec("core_read", (Slot, child) =>
        {
            uint task = Kernel.GetByName("task_struct", BtfKind.Struct).Id;
            var pidTypes = Kernel.GetByName("pid_type", BtfKind.Enum).EnumValues;
            Assert.Equal(1UL, Slot(20));                                       // fired for our child
            Assert.Equal((ulong)child, Slot(0));                               // task->pid, direct load
            Assert.Equal((ulong)Environment.ProcessId, Slot(1));               // BPF_CORE_READ(task, real_parent, tgid)
            Assert.Equal(0UL, Slot(2));                                        // missing field does not exist
            Assert.Equal(1UL, Slot(3));                                        // pid exists
            Assert.Equal(77UL, Slot(4));                                       // guarded poisoned read is dead code
            Assert.Equal(1UL, Slot(5));                                        // struct task_struct exists
            Assert.Equal(0UL, Slot(6));                                        // struct nectar_no_such_type does not
            Assert.Equal((ulong)pidTypes.Single(v => v.Name == "PIDTYPE_MAX").Value, Slot(7));
            Assert.Equal((ulong)pidTypes.Single(v => v.Name == "PIDTYPE_SID").Value, Slot(8));
            Assert.Equal(0UL, Slot(9));                                        // enumerator absent
            Assert.Equal(1UL, Slot(10));                                       // in_execve during exec (probed read)
            Assert.Equal(1UL, Slot(11));                                       // in_execve during exec (direct read)
            Assert.Equal((ulong)child, Slot(12));                              // flavor task_struct___nectar.tgid
            Assert.Equal((ulong)Kernel.SizeOf(task), Slot(13));
            Assert.Equal(16UL, Slot(14));                                      // sizeof(comm)
            Assert.Equal((ulong)Kernel.FindMember(task, "tgid")!.Value.ByteOffset, Slot(15));
            Assert.Equal((ulong)task, Slot(16));                               // bpf_core_type_id_kernel
            Assert.Equal(1UL, Slot(17));                                       // list_head matches
            Assert.Equal(0UL, Slot(18));                                       // list_head___bad does not
            Assert.Equal((ulong)child, Slot(19));                              // task->tgid
            Assert.Equal(Slot(22), Slot(21));                                  // 8-byte load shrunk to the kernel's 4
            Assert.True(Slot(21) <= uint.MaxValue, $"task->flags read as {Slot(21):x}: the load was not resized");
            Assert.Equal(0UL, Slot(23));                                       // renamed field: old flavor dead, __state is TASK_RUNNING
        });
    }

    [KernelFact]
    public void Relocations_in_subprograms_apply_where_each_function_is_placed()
    {
        AfterChildExec("core_subprog", (Slot, child) =>
            Assert.Equal(((ulong)Environment.ProcessId, (ulong)child), (Slot(0), Slot(1)))); // read in the first and second .text functions
    }

    [KernelFact]
    public void Reachable_poisoned_relocation_is_rejected_naming_the_missing_field()
    {
        var error = Assert.Throws<BpfVerifierException>(() => BpfObject.Load(BpfObjects.PathOf("core_poisoned")).Dispose());
        Assert.Equal("task_struct.nectar_missing_field: no such field in this kernel (no field 'nectar_missing_field' in struct task_struct)",
            error.FailedRelocation);
        Assert.Contains("task_struct.nectar_missing_field: no such field in this kernel", error.Message);
        Assert.Contains("bpf_core_field_exists", error.Message);
    }

    /// <summary>
    /// Loads bpf/NAME.bpf.o (program NAME, maps `config` and `results`), tells it to watch children
    /// of this process, runs /bin/true under it, and checks the `results` slots against the child's pid.
    /// </summary>
    private static void AfterChildExec(string name, Action<Func<uint, ulong>, int> check) => OpenFileDescriptors.AssertNoLeak(() =>
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf(name));
        obj.Maps["config"].Update(0u, (uint)Environment.ProcessId);
        int child;
        using (obj.Programs[name].Attach())
        {
            using var process = Process.Start("/bin/true")!;
            process.WaitForExit();
            child = process.Id;
        }
        var results = obj.Maps["results"];
        check(slot => results.TryLookup(slot, out ulong value) ? value : ulong.MaxValue, child);
    });
}
