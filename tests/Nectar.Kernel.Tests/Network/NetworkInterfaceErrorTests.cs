using Nectar.Programs;
using Nectar.Links;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

public class NetworkInterfaceErrorTests
{
    [KernelFact(Attach = [AttachKind.Xdp, AttachKind.Tcx])]
    public void Unknown_interface_names_are_typed_errors_that_list_the_interfaces_there_are()
    {
        using var obj = PacketCounter.Load(port: 9);
        var xdp = Assert.Throws<UnknownNetworkInterfaceException>(() => obj.Programs["xdp_count"].AttachXdp("nectar-none0"));
        Assert.Equal("nectar-none0", xdp.Interface);
        Assert.Contains("there is no network interface 'nectar-none0'", xdp.Message);
        Assert.Contains("lo", xdp.Available);
        Assert.Contains("lo", xdp.Message);

        var tcx = Assert.Throws<UnknownNetworkInterfaceException>(() => obj.Programs["tcx_count_ingress"].AttachTcx(int.MaxValue));
        Assert.Contains($"no network interface with index {int.MaxValue}", tcx.Message);
        Assert.DoesNotContain(KernelObjects().Select(l => l.ProgramId), id => id == obj.Programs["xdp_count"].Id || id == obj.Programs["tcx_count_ingress"].Id);
    }

    private static IReadOnlyList<Nectar.Programs.LoadedLink> KernelObjects() => Nectar.Programs.KernelObjects.Links();
}
