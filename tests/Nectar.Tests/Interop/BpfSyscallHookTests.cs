using Nectar.Interop;

namespace Nectar.Tests.Interop;

public class BpfSyscallHookTests
{
    [Fact]
    public void A_fake_sees_the_attr_the_typed_function_filled_and_its_errno_becomes_the_exception()
    {
        using var kernel = new FakeKernel((_, _) => -Errno.EPERM);
        using var program = new BpfFileDescriptor(FakeKernel.NewFd());

        var error = Assert.Throws<BpfPermissionException>(() => Bpf.RawTracepointOpen(program, "sys_enter", "Attaching 'p'"));

        Assert.Equal(Errno.EPERM, error.ErrorNumber);
        var (command, attr) = Assert.Single(kernel.Calls);
        Assert.Equal(BpfCommand.RawTracepointOpen, command);
        Assert.Equal((uint)program.Value, kernel.AttrsOf<RawTracepointOpenAttr>(command).Single().ProgFd);
        Assert.NotEqual(0ul, kernel.AttrsOf<RawTracepointOpenAttr>(command).Single().Name);
    }

    [Fact]
    public void Link_create_puts_an_iterators_info_after_the_common_head()
    {
        using var kernel = new FakeKernel((_, _) => FakeKernel.NewFd());
        using var program = new BpfFileDescriptor(FakeKernel.NewFd());
        var info = new IteratorLinkInfo { MapFd = 42 };

        using var link = Bpf.TryLinkCreate(program, 0, 28, 0, out _, System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<IteratorLinkInfo>(in info)));

        Assert.NotNull(link);
        var attr = kernel.AttrsOf<LinkCreateAttr>(BpfCommand.LinkCreate).Single();
        Assert.Equal(32, kernel.Calls[0].Attr.Length);
        Assert.Equal(28u, attr.AttachType);
        Assert.NotEqual(0ul, attr.IterInfo);
        Assert.Equal(16u, attr.IterInfoLength);
    }

    [Fact]
    public async Task A_fake_belongs_to_the_flow_that_installed_it()
    {
        using var kernel = new FakeKernel((_, _) => -Errno.ENOENT);
        Task<FakeBpfSyscall?> elsewhere;
        // A flow that does not inherit this one's context (another test's) sees no fake.
        using (ExecutionContext.SuppressFlow())
            elsewhere = Task.Run(() => BpfSyscallHook.Current);

        Assert.Null(await elsewhere);
        Assert.NotNull(BpfSyscallHook.Current);
    }
}
