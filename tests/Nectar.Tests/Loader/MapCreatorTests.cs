using Nectar.Interop;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Tests.Interop;

namespace Nectar.Tests.Loader;

/// <summary>Map creation's retry without BTF, driven by a fake bpf(2).</summary>
public class MapCreatorTests
{
    private static readonly MapSpec s_data = new(".data", new MapAttributes(".data", MapType.Array, 4, 16, 1), MapOrigin.GlobalData)
    {
        InitialValue = new byte[16],
    };

    [Fact]
    public void A_map_the_kernel_refuses_with_btf_types_EINVAL_is_created_again_without_them()
    {
        using var kernel = new FakeKernel((command, attr) => command switch
        {
            BpfCommand.MapCreate when System.Runtime.InteropServices.MemoryMarshal.Read<MapCreateAttr>(attr).BtfValueTypeId != 0 => -Errno.EINVAL,
            BpfCommand.MapCreate => FakeKernel.NewFd(),
            _ => 0,
        });
        using var btf = new BpfFileDescriptor(FakeKernel.NewFd());

        using var map = MapCreator.Create(s_data, "/unused", btf, dataSectionTypeId: 7, out bool reused);

        Assert.False(reused);
        var creates = kernel.AttrsOf<MapCreateAttr>(BpfCommand.MapCreate).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Equal((7u, (uint)btf.Value), (creates[0].BtfValueTypeId, creates[0].BtfFd));
        Assert.Equal((0u, 0u, 0u), (creates[1].BtfValueTypeId, creates[1].BtfKeyTypeId, creates[1].BtfFd));
        // The initial value went into the map that was created, after the retry.
        Assert.Equal(BpfCommand.MapUpdateElem, kernel.Calls[^1].Command);
    }

    [Fact]
    public void Any_other_refusal_is_retried_once_without_btf_and_then_names_the_map()
    {
        // libbpf retries without BTF after any failure (E2BIG here), not only EINVAL.
        using var kernel = new FakeKernel((_, _) => -Errno.E2BIG);
        using var btf = new BpfFileDescriptor(FakeKernel.NewFd());

        var error = Assert.Throws<BpfException>(() => MapCreator.Create(s_data, "/unused", btf, dataSectionTypeId: 7, out _));

        Assert.Equal(Errno.E2BIG, error.ErrorNumber);
        Assert.Contains("'.data'", error.Message);
        var creates = kernel.AttrsOf<MapCreateAttr>(BpfCommand.MapCreate).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Equal((0u, 0u), (creates[1].BtfValueTypeId, creates[1].BtfFd));
    }

    [Fact]
    public void A_permission_refusal_is_not_retried()
    {
        using var kernel = new FakeKernel((_, _) => -Errno.EPERM);
        using var btf = new BpfFileDescriptor(FakeKernel.NewFd());

        Assert.Throws<BpfPermissionException>(() => MapCreator.Create(s_data, "/unused", btf, dataSectionTypeId: 7, out _));

        Assert.Single(kernel.Calls);
    }
}
