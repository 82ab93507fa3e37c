using Nectar.Btf;
using Nectar.Interop;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Btf;

public class BtfHandleTests
{
    [KernelFact]
    public void Kernel_accepts_the_written_closure_of_task_struct_and_the_fd_is_closed_on_dispose()
    {
        var vmlinux = Fixtures.VmlinuxBtf;
        byte[] blob = BtfWriter.WriteClosure(vmlinux, [vmlinux.GetByName("task_struct", BtfKind.Struct).Id]);
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var handle = BtfHandle.Load(blob);
            Assert.True(handle.Value > 2);
        });
    }

    /// <summary>
    /// This kernel's own vmlinux BTF, as Nectar rewrites it. Not the committed fixture: that comes
    /// from a newer kernel, and Linux 6.1 refuses its TYPE_TAG address_space(1) ("Invalid btf_info
    /// kind_flag": type tags with kind_flag, attributes, arrived in 6.13), a kernel difference.
    /// </summary>
    [KernelFact]
    public void Kernel_accepts_its_whole_vmlinux_rewritten()
    {
        using var handle = BtfHandle.Load(BtfWriter.Write(VmlinuxBtf.Instance));
        Assert.False(handle.IsInvalid);
    }

    [KernelFact]
    public void Kernel_rejection_carries_the_btf_log()
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        // A member past the end of its struct: the kernel's BTF verifier refuses it.
        builder.AddStruct("broken", 4, [new BtfMember("a", i, 64, 0)]);
        var error = Assert.Throws<BtfLoadException>(() => BtfHandle.Load(builder.ToArray()));
        Assert.Equal(Errno.EINVAL, error.ErrorNumber);
        Assert.Contains("broken", error.Log);
        Assert.Contains("exceeds its struct size", error.Message);
    }
}
