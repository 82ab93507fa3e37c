using System.Runtime.InteropServices;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public partial class CoreBitfieldTests
{
    private const int SchedOther = 0;
    private const int SchedResetOnFork = 0x40000000;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, in int priority);

    [KernelFact]
    public void One_bit_field_read_through_CO_RE_follows_what_the_kernel_holds()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("core_bitfield"));
        spec.Variables["target_tid"].Set(CurrentThread.Id);
        using var obj = spec.Load();
        var bit = obj.Variables["reset_on_fork"];
        using var link = obj.Programs["read_bitfield"].Attach();
        try
        {
            Assert.Equal(0, SetScheduler(0, SchedOther | SchedResetOnFork, 0));
            File.Exists("/proc/self/stat");
            Assert.Equal(1u, bit.Get<uint>());

            Assert.Equal(0, SetScheduler(0, SchedOther, 0));
            File.Exists("/proc/self/stat");
            Assert.Equal(0u, bit.Get<uint>());
        }
        finally
        {
            SetScheduler(0, SchedOther, 0);
        }
    }
}
