namespace Nectar.Programs;

/// <summary>
/// A section names an attach target the running kernel does not have (iter/no_such_target).
/// An <see cref="ArgumentException"/>, as other bad attach targets are; carries the target and
/// the kernel's nearest names.
/// </summary>
public sealed class UnknownAttachTargetException : ArgumentException
{
    public UnknownAttachTargetException(string target, IReadOnlyList<string> suggestions, string message) : base(message)
    {
        Target = target;
        Suggestions = suggestions;
    }

    /// <summary>The target as the section names it.</summary>
    public string Target { get; }

    /// <summary>The kernel's targets closest to <see cref="Target"/>, closest first (possibly none).</summary>
    public IReadOnlyList<string> Suggestions { get; }
}
