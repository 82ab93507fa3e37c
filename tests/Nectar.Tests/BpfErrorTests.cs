using Nectar.Interop;

namespace Nectar.Tests;

public class BpfErrorTests
{
    [Theory]
    [InlineData(Errno.EPERM)]
    [InlineData(Errno.EACCES)]
    public void Permission_errors_name_the_capabilities_needed(int errno)
    {
        var error = Bpf.ToException("Creating Array map 'x'", errno);
        var permission = Assert.IsType<BpfPermissionException>(error);
        Assert.Equal(errno, permission.ErrorNumber);
        Assert.Contains("CAP_BPF", permission.Message);
        Assert.Contains("CAP_PERFMON", permission.Message);
        Assert.StartsWith("Creating Array map 'x' was refused", permission.Message);
    }

    [Fact]
    public void Missing_syscall_is_reported_as_unsupported_kernel()
    {
        var error = Assert.IsType<BpfNotSupportedException>(Bpf.ToException("Loading BTF", Errno.ENOSYS));
        Assert.Contains("Linux 5.8", error.Message);
    }

    [Fact]
    public void Other_errors_carry_errno_and_its_text()
    {
        var error = Bpf.ToException("Updating an element of map 'm'", Errno.E2BIG);
        Assert.Equal(typeof(BpfException), error.GetType());
        Assert.Contains("errno 7", error.Message);
        Assert.Contains("Argument list too long", error.Message);
    }
}
