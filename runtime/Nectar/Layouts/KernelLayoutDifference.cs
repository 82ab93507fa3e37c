namespace Nectar.Layouts;

/// <summary>
/// The first way a generated kernel type's layout differs from the running kernel's: the member (or
/// "(size)" for the type's size), its bit offset in the generated layout and on the running kernel
/// (null where it does not exist), and a sentence saying it.
/// </summary>
public sealed record KernelLayoutDifference(string Member, uint? GeneratedBitOffset, uint? RunningBitOffset, string Description)
{
    public override string ToString() => Description;
}
