namespace Nectar.Dwarf;

/// <summary>An object's DWARF (.debug_info and its companions) is truncated, inconsistent or uses a form Nectar does not read; the message names where.</summary>
internal sealed class DwarfException : Exception
{
    public DwarfException(string message) : base(message) { }
}
