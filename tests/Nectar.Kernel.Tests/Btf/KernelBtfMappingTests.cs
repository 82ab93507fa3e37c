using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Btf;

/// <summary>
/// The running kernel's BTF is parsed where the kernel keeps it (mapped, not read into a copy) on
/// kernels that allow it, and gives exactly what reading the file gives.
/// </summary>
public class KernelBtfMappingTests
{
    private const string Vmlinux = KernelSupport.VmlinuxBtfPath;

    [KernelBtfMappableFact]
    public void Kernel_btf_is_mapped_once_and_read_in_place()
    {
        var first = Nectar.Btf.Btf.Load(Vmlinux);
        var second = Nectar.Btf.Btf.Load("/sys/kernel/btf/../btf/./vmlinux");

        Assert.True(first.IsKernelMapped);
        Assert.True(second.IsKernelMapped);
        // Two loads, one memory: nothing was copied into an array of its own.
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(first.RawBytes), ref MemoryMarshal.GetReference(second.RawBytes)));
    }

    [KernelBtfMappableFact]
    public void Mapped_kernel_btf_holds_the_bytes_and_types_that_reading_the_file_gives()
    {
        var mapped = Nectar.Btf.Btf.Load(Vmlinux);
        var read = Nectar.Btf.Btf.Parse(File.ReadAllBytes(Vmlinux));

        Assert.False(read.IsKernelMapped);
        Assert.True(mapped.RawBytes.SequenceEqual(read.RawBytes));
        Assert.Equal(read.OwnTypeCount, mapped.OwnTypeCount);
        var task = mapped.GetByName("task_struct", BtfKind.Struct);
        Assert.Equal("task_struct", task.Name);
        Assert.Equal(read.GetByName("task_struct", BtfKind.Struct).Size, task.Size);
        Assert.Equal(read.GetByName("task_struct", BtfKind.Struct).Members.Select(m => (m.Name, m.BitOffset)),
                     task.Members.Select(m => (m.Name, m.BitOffset)));
    }

    [KernelFact]
    public void Other_files_are_read_into_memory_of_their_own()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"nectar-vmlinux-{Environment.ProcessId}.btf");
        File.Copy(Vmlinux, copy, overwrite: true);
        try
        {
            var first = Nectar.Btf.Btf.Load(copy);
            var second = Nectar.Btf.Btf.Load(copy);
            Assert.False(first.IsKernelMapped);
            Assert.False(Unsafe.AreSame(ref MemoryMarshal.GetReference(first.RawBytes), ref MemoryMarshal.GetReference(second.RawBytes)));
            Assert.Equal(Nectar.Btf.Btf.Load(Vmlinux).OwnTypeCount, first.OwnTypeCount);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}

/// <summary>
/// A kernel test that needs /sys/kernel/btf/vmlinux to be mappable (Linux 6.16 and later): skipped,
/// with the reason, on older kernels even under NECTAR_REQUIRE_KERNEL=1, since that is the
/// kernel's version, not a missing privilege (Nectar reads the file there instead).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelBtfMappableFactAttribute : KernelFactAttribute
{
    private static readonly Version FirstMappable = new(6, 16);

    public override TestRequirements Requirements => base.Requirements with
    {
        KernelRefusal = () => Environment.OSVersion.Version < FirstMappable
            ? $"Linux {Environment.OSVersion.Version} cannot map /sys/kernel/btf/vmlinux (Linux {FirstMappable}+ can); Nectar reads it there."
            : null,
    };
}
