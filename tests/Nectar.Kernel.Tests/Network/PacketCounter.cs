using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Network;

/// <summary>bpf/packet_counter.bpf.c loaded to count the datagrams to one port (and optionally drop them at XDP).</summary>
internal static class PacketCounter
{
    public const string Loopback = "lo";

    public static BpfObject Load(ushort port, ushort dropPort = 0)
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("packet_counter"));
        spec.Variables["target_port"].Set(port);
        spec.Variables["drop_port"].Set(dropPort);
        return spec.Load();
    }

    public static ulong Count(this BpfObject obj, string counter) => obj.Variables[counter].Get<ulong>();
}
