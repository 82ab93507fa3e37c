using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Tests.Interop;

namespace Nectar.Tests.Links;

/// <summary>
/// One link abstraction: every attach is a method of <see cref="BpfProgram"/> returning a
/// <see cref="BpfLink"/>, whose Id, Pin and Dispose mean the same for every kind. A fake bpf(2)
/// plays the kernel (it answers BPF_OBJ_GET_INFO_BY_FD with an id and records BPF_OBJ_PIN);
/// /dev/null descriptors play the links.
/// </summary>
public class BpfLinkTests
{
    private const uint FakeId = 4242;

    private static BpfFileDescriptor NewFd() => new(FakeKernel.NewFd());

    /// <summary>A kernel whose every link has id <see cref="FakeId"/> + its fd, and that accepts pins.</summary>
    private static unsafe FakeKernel KernelWithIds() => new((command, attr) =>
    {
        if (command == BpfCommand.ObjGetInfoByFd)
        {
            var request = MemoryMarshal.Read<InfoByFdAttr>(attr);
            ((uint*)request.Info)[1] = FakeId + request.BpfFd; // bpf_link_info: type, then id
        }
        return 0;
    });

    [Fact]
    public void Every_attach_is_an_instance_method_of_BpfProgram_that_returns_a_BpfLink()
    {
        var attaches = typeof(BpfProgram).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("Attach", StringComparison.Ordinal)).ToList();

        Assert.Superset(
            new HashSet<string> { "Attach", "AttachCgroup", "AttachIterator", "AttachPerfEvent", "AttachSocketFilter", "AttachTcx", "AttachUprobe", "AttachUsdt", "AttachXdp" },
            attaches.Select(m => m.Name).ToHashSet());
        Assert.All(attaches, m =>
        {
            Assert.False(m.IsStatic, $"{m.Name} is static");
            Assert.True(typeof(BpfLink).IsAssignableFrom(m.ReturnType), $"{m.Name} returns {m.ReturnType.Name}, not a BpfLink");
        });
    }

    [Fact]
    public void No_public_extension_method_attaches_a_program()
    {
        var extensions = typeof(BpfProgram).Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed) // static classes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute), false) && m.GetParameters()[0].ParameterType == typeof(BpfProgram))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Empty(extensions);
    }

    [Fact]
    public void No_one_outside_Nectar_can_make_a_kind_of_link()
    {
        var reachable = typeof(BpfLink).GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly);
        Assert.Empty(reachable);
    }

    [Fact]
    public void A_kernel_link_has_the_kernels_id_asked_once()
    {
        using var kernel = KernelWithIds();
        var fd = NewFd();
        using var link = new BpfLink(fd, "probe on raw_tp/sys_enter");

        Assert.Equal(FakeId + (uint)fd.Value, link.Id);
        Assert.Equal(link.Id, link.Id);
        Assert.Single(kernel.Calls, c => c.Command == BpfCommand.ObjGetInfoByFd);
        Assert.Equal(1, link.KernelLinkCount);
        Assert.Same(fd, link.Fd);
        Assert.Equal("probe on raw_tp/sys_enter", link.ToString());
    }

    [Fact]
    public void An_iterator_link_is_a_kernel_link_with_an_id_and_a_pin()
    {
        using var kernel = KernelWithIds();
        var fd = NewFd();
        using BpfLink link = new BpfIteratorLink(fd, "dump_tasks on iter/task");

        Assert.Equal(FakeId + (uint)fd.Value, link.Id);
        link.Pin("/tmp/nectar-test-not-bpffs/tasks");
        var pin = Assert.Single(kernel.AttrsOf<ObjPinAttr>(BpfCommand.ObjPin));
        Assert.Equal((uint)fd.Value, pin.BpfFd);
        Assert.Equal("dump_tasks on iter/task", link.ToString());
    }

    [Fact]
    public void A_perf_event_attached_through_its_ioctls_has_no_id_and_no_pin()
    {
        using var kernel = KernelWithIds();
        var perfEvent = NewFd();
        var link = BpfLink.OfPerfEvent(perfEvent, "probe on tracepoint/x");

        Assert.Null(link.Id);
        Assert.Null(link.Fd);
        Assert.Equal(0, link.KernelLinkCount);
        var error = Assert.Throws<NotSupportedException>(() => link.Pin("/tmp/nectar-test-not-bpffs/probe"));
        Assert.Contains("perf event", error.Message);
        Assert.Contains("'probe on tracepoint/x'", error.Message);
        Assert.Empty(kernel.Calls);
        link.Dispose();
        Assert.True(perfEvent.IsClosed, "disposing detaches: the perf event is the attachment");
    }

    [Fact]
    public void A_link_of_several_has_no_single_id_refuses_a_pin_and_is_detached_once()
    {
        using var kernel = KernelWithIds();
        var parts = new List<BpfFileDescriptor> { NewFd(), NewFd(), NewFd() };
        int detached = 0;
        var link = new BpfLink(parts.Select(fd => new BpfLink(fd, "site")).ToList(), "probe on usdt /bin/x:p:n (3 site(s))", () => Interlocked.Increment(ref detached));

        Assert.Null(link.Id);
        Assert.Equal(3, link.KernelLinkCount);
        var error = Assert.Throws<NotSupportedException>(() => link.Pin("/tmp/nectar-test-not-bpffs/usdt"));
        Assert.Contains("3 attachments", error.Message);
        Assert.Contains("one kernel link", error.Message);
        Assert.DoesNotContain(kernel.Calls, c => c.Command == BpfCommand.ObjPin);

        Parallel.For(0, 8, _ => link.Dispose());
        link.Dispose();
        Assert.Equal(1, detached);
        Assert.All(parts, fd => Assert.True(fd.IsClosed));
    }

    [Fact]
    public void A_link_of_one_part_is_that_part()
    {
        using var kernel = KernelWithIds();
        var fd = NewFd();
        using var link = new BpfLink([new BpfLink(fd, "site")], "probe on usdt /bin/x:p:n (1 site(s))", detached: null);

        Assert.Equal(FakeId + (uint)fd.Value, link.Id);
        Assert.Equal(1, link.KernelLinkCount);
        link.Pin("/tmp/nectar-test-not-bpffs/usdt");
        Assert.Equal((uint)fd.Value, Assert.Single(kernel.AttrsOf<ObjPinAttr>(BpfCommand.ObjPin)).BpfFd);
    }

    [Fact]
    public void A_sampling_link_is_a_BpfLink_of_its_CPUs_links()
    {
        using var kernel = KernelWithIds();
        var cpu0 = NewFd();
        var cpu1 = NewFd();
        BpfLink link = new BpfSamplingLink([new BpfLink(cpu0, "cpu 0"), new BpfLink(cpu1, "cpu 1")], [0, 1], "count_samples on perf_event software:cpu-clock at 99 Hz, all processes, 2 CPU(s)");

        Assert.Null(link.Id);
        Assert.Equal(2, link.KernelLinkCount);
        Assert.Equal([FakeId + (uint)cpu0.Value, FakeId + (uint)cpu1.Value], ((BpfSamplingLink)link).Links.Select(l => l.Id!.Value));
        Assert.Contains("2 attachments", Assert.Throws<NotSupportedException>(() => link.Pin("/tmp/nectar-test-not-bpffs/sampling")).Message);
        Assert.StartsWith("count_samples on perf_event", link.ToString());
        link.Dispose();
        link.Dispose();
        Assert.True(cpu0.IsClosed && cpu1.IsClosed);
    }

    [Fact]
    public void A_socket_filter_is_a_BpfLink_without_an_id_whose_pin_says_why_not()
    {
        using var kernel = KernelWithIds();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        BpfLink link = new SocketFilterAttachment(socket, "socket_count on socket udp 127.0.0.1:5000");

        Assert.Null(link.Id);
        Assert.Null(link.Fd);
        Assert.Equal(0, link.KernelLinkCount);
        var error = Assert.Throws<NotSupportedException>(() => link.Pin("/tmp/nectar-test-not-bpffs/filter"));
        Assert.Contains("socket filter", error.Message);
        Assert.Contains("keep the socket", error.Message);
        Assert.Equal("socket_count on socket udp 127.0.0.1:5000", link.ToString());
        link.Dispose(); // SO_DETACH_BPF on a socket without a filter: ENOENT, nothing to do
        link.Dispose();
        Assert.Empty(kernel.Calls);
    }

    [Fact]
    public void Disposing_a_kernel_link_twice_closes_it_once_and_its_perf_event_too()
    {
        var fd = NewFd();
        var perfEvent = NewFd();
        var link = new BpfLink(fd, "probe on kprobe/x", perfEvent);

        link.Dispose();
        link.Dispose();

        Assert.True(fd.IsClosed);
        Assert.True(perfEvent.IsClosed);
    }
}
