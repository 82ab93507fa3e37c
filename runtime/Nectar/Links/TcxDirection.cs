namespace Nectar.Links;

/// <summary>Which way through a device a tcx program sees packets.</summary>
public enum TcxDirection
{
    /// <summary>Packets the device receives (BPF_TCX_INGRESS).</summary>
    Ingress,
    /// <summary>Packets the device transmits (BPF_TCX_EGRESS).</summary>
    Egress,
}
