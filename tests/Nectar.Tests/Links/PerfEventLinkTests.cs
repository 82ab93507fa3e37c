using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Tests.Interop;
using Nectar.Tests.Programs;

namespace Nectar.Tests.Links;

/// <summary>
/// Attaching to a perf event: a BPF link where the kernel has them, else (EINVAL, EOPNOTSUPP: before
/// Linux 5.15) the perf event's own ioctls. A fake bpf(2) plays the kernel; /dev/null plays the perf
/// event, so the legacy ioctls fail with ENOTTY, which shows that path was taken.
/// </summary>
public class PerfEventLinkTests
{
    private static BpfProgram LoadProgram()
    {
        using var loader = new FakeKernel((_, _) => FakeKernel.NewFd());
        return BpfProgram.Load(ProgramLoadTests.Request());
    }

    [Theory]
    [InlineData(Errno.EINVAL)]
    [InlineData(Errno.EOPNOTSUPP)]
    public void A_kernel_without_perf_event_links_falls_back_to_the_perf_event_ioctls(int refusal)
    {
        using var program = LoadProgram();
        using var kernel = new FakeKernel((_, _) => -refusal);
        var perfEvent = new BpfFileDescriptor(FakeKernel.NewFd());

        var error = Assert.Throws<BpfException>(() => PerfEventLink.Attach(program, perfEvent, "probe on tracepoint/x"));

        Assert.Equal(BpfCommand.LinkCreate, Assert.Single(kernel.Calls).Command);
        Assert.Equal((uint)AttachType.PerfEvent, kernel.AttrsOf<LinkCreateAttr>(BpfCommand.LinkCreate).Single().AttachType);
        Assert.Contains("through its perf event", error.Message);
        Assert.Equal(Errno.ENOTTY, error.ErrorNumber);
        Assert.True(perfEvent.IsClosed, "a failed attach closes the perf event it was given");
    }

    [Fact]
    public void Other_refusals_are_reported_without_trying_the_ioctls()
    {
        using var program = LoadProgram();
        using var kernel = new FakeKernel((_, _) => -Errno.EPERM);
        var perfEvent = new BpfFileDescriptor(FakeKernel.NewFd());

        var error = Assert.Throws<BpfPermissionException>(() => PerfEventLink.Attach(program, perfEvent, "probe on tracepoint/x"));

        Assert.StartsWith("Linking 'probe on tracepoint/x'", error.Message);
        Assert.True(perfEvent.IsClosed);
    }

    [Fact]
    public void A_link_keeps_the_perf_event_open_until_it_is_disposed()
    {
        using var program = LoadProgram();
        using var kernel = new FakeKernel((_, _) => FakeKernel.NewFd());
        var perfEvent = new BpfFileDescriptor(FakeKernel.NewFd());

        var link = PerfEventLink.Attach(program, perfEvent, "probe on tracepoint/x");

        Assert.Equal((uint)perfEvent.Value, kernel.AttrsOf<LinkCreateAttr>(BpfCommand.LinkCreate).Single().TargetFd);
        Assert.False(perfEvent.IsClosed);
        link.Dispose();
        Assert.True(perfEvent.IsClosed);
    }

    [Fact]
    public void Legacy_mode_never_asks_for_a_link()
    {
        using var program = LoadProgram();
        using var kernel = new FakeKernel((_, _) => FakeKernel.NewFd());
        var perfEvent = new BpfFileDescriptor(FakeKernel.NewFd());

        var error = Assert.Throws<BpfException>(() => PerfEventLink.Attach(program, perfEvent, "probe", legacy: true));

        Assert.Empty(kernel.Calls);
        Assert.Contains("through its perf event", error.Message);
    }
}
