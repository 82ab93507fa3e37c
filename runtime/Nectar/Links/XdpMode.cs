namespace Nectar.Links;

/// <summary>Where an XDP program runs (the XDP_FLAGS_*_MODE flags of the attachment).</summary>
public enum XdpMode : uint
{
    /// <summary>The kernel chooses: the driver's native XDP if it has one, otherwise generic. On lo and veth without native support this is generic.</summary>
    Auto = 0,
    /// <summary>XDP_FLAGS_SKB_MODE: generic XDP, after the packet became an skb; works on every device, slower.</summary>
    Generic = 1u << 1,
    /// <summary>XDP_FLAGS_DRV_MODE: in the driver, before any allocation; the device's driver must support XDP.</summary>
    Driver = 1u << 2,
    /// <summary>XDP_FLAGS_HW_MODE: offloaded to the NIC (few devices can).</summary>
    Offload = 1u << 3,
}
