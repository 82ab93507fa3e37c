using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class RawTracepointTests
{
    [KernelFact]
    public void Raw_tp_program_counts_this_process_syscalls_until_its_link_is_disposed()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var spec = BpfObjectSpec.Read(BpfObjects.PathOf("raw_tp_counter"));
            spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
            using var obj = spec.Load();
            var syscalls = obj.Variables["syscalls"];
            Assert.Equal(0UL, syscalls.Get<ulong>());

            using (obj.Programs["count_sys_enter"].Attach())
            {
                MakeSyscalls(50);
                Assert.True(syscalls.Get<ulong>() >= 50, $"counted {syscalls.Get<ulong>()} syscalls, expected at least 50");
            }

            ulong afterDetach = syscalls.Get<ulong>();
            MakeSyscalls(50);
            Assert.Equal(afterDetach, syscalls.Get<ulong>());
        });
    }

    [KernelFact]
    public void Rodata_set_before_load_filters_what_the_program_counts()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("raw_tp_counter"));
        spec.Variables["target_tgid"].Set(uint.MaxValue); // no process has this tgid
        using var obj = spec.Load();
        using (obj.Programs["count_sys_enter"].Attach())
            MakeSyscalls(50);
        Assert.Equal(0UL, obj.Variables["syscalls"].Get<ulong>());
        Assert.Equal(uint.MaxValue, obj.Variables["target_tgid"].Get<uint>());
        Assert.Throws<InvalidOperationException>(() => obj.Variables["target_tgid"].Set(1u));
    }

    /// <summary>Each stat of a file is one syscall at least.</summary>
    private static void MakeSyscalls(int count)
    {
        for (int i = 0; i < count; i++)
            _ = File.Exists("/proc/self/status");
    }
}
