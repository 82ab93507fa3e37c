using Nectar.Interop;

namespace Nectar.Links;

/// <summary>A network device (interface) as XDP and tcx attach to it: the kernel wants its index, people say its name.</summary>
public readonly record struct NetworkDevice(string Name, int Index)
{
    /// <summary>The interface called <paramref name="name"/> ("lo", "eth0").</summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that name.</exception>
    public static NetworkDevice FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > NetworkInterfaceNames.MaxNameLength || name.Contains('/') || name.Contains('\0') || name.Any(char.IsWhiteSpace))
            throw Unknown(name, $"'{name}' is not a valid network interface name (1 to {NetworkInterfaceNames.MaxNameLength} characters, no '/' or spaces)");
        int index = NetworkInterfaceNames.IndexOf(name);
        return index > 0 ? new NetworkDevice(name, index) : throw Unknown(name, $"there is no network interface '{name}'");
    }

    /// <summary>The interface whose index is <paramref name="index"/> (as `ip link` numbers them).</summary>
    /// <exception cref="UnknownNetworkInterfaceException">No interface has that index.</exception>
    public static NetworkDevice FromIndex(int index) =>
        NetworkInterfaceNames.NameOf(index) is { } name ? new NetworkDevice(name, index)
            : throw Unknown(index.ToString(System.Globalization.CultureInfo.InvariantCulture), $"there is no network interface with index {index}");

    public override string ToString() => Name;

    internal static UnknownNetworkInterfaceException Unknown(string asked, string problem)
    {
        var available = NetworkInterfaceNames.All();
        string listing = available.Count > 0 ? $"the interfaces here are: {string.Join(", ", available)}" : "this system lists no interfaces in /sys/class/net";
        return new UnknownNetworkInterfaceException(asked, available, $"{problem}; {listing} (ip link shows them).");
    }
}
