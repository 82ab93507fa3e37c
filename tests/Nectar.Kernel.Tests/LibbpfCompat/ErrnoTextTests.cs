using Nectar.Interop;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>errno 524 is the kernel's ENOTSUPP, which libc does not know ("Unknown error 524"): messages name it.</summary>
public class ErrnoTextTests
{
    [Fact]
    public void ENOTSUPP_is_named_and_does_not_blame_the_kernel_version()
    {
        var error = Bpf.ToException("Creating PerfEventArray map 'events'", Errno.ENOTSUPP);
        Assert.IsType<BpfNotSupportedException>(error);
        Assert.Contains("ENOTSUPP", error.Message);
        Assert.Contains("errno 524", error.Message);
        Assert.DoesNotContain("Unknown error", error.Message);
        Assert.DoesNotContain("5.8", error.Message);
    }

    [Fact]
    public void ENOSYS_says_the_bpf_system_call_is_missing_and_what_Nectar_needs()
    {
        var error = Bpf.ToException("Creating Hash map 'counts'", Errno.ENOSYS);
        Assert.Contains("no bpf(2) system call", error.Message);
        Assert.Contains("Linux 5.8 or newer", error.Message);
    }

    [Fact]
    public void Ordinary_errnos_keep_the_C_library_text()
    {
        Assert.Equal("Invalid argument", Libc.ErrorText(Errno.EINVAL));
        Assert.StartsWith("ENOTSUPP", Libc.ErrorText(Errno.ENOTSUPP));
    }
}
