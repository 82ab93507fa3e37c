namespace Nectar.Links;

/// <summary>
/// No network interface of that name or index exists here (in this network namespace). Carries the
/// interface as given and the ones that do exist, so the message can offer them.
/// </summary>
public sealed class UnknownNetworkInterfaceException : ArgumentException
{
    public UnknownNetworkInterfaceException(string networkInterface, IReadOnlyList<string> available, string message) : base(message)
    {
        Interface = networkInterface;
        Available = available;
    }

    /// <summary>The interface as it was asked for: a name, or an index in decimal.</summary>
    public string Interface { get; }

    /// <summary>The interfaces this network namespace has, sorted.</summary>
    public IReadOnlyList<string> Available { get; }
}
