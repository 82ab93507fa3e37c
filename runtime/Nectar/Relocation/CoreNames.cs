namespace Nectar.Relocation;

/// <summary>
/// CO-RE names: a type, field or enumerator named "task_struct___v2" is a flavor of
/// "task_struct", and matches the kernel's task_struct (and any of its flavors).
/// </summary>
internal static class CoreNames
{
    /// <summary>
    /// The length of the name without its flavor: up to the last "X___Y" where X and Y are not
    /// underscores (so "__u64" or "a____b" keep their underscores).
    /// </summary>
    public static int EssentialLength(string name)
    {
        for (int i = name.Length - 5; i >= 0; i--)
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
                return i + 1;
        return name.Length;
    }

    public static string Essential(string name) => name.Substring(0, EssentialLength(name));

    public static bool HaveSameEssence(string a, string b)
    {
        int length = EssentialLength(a);
        return length == EssentialLength(b) && string.CompareOrdinal(a, 0, b, 0, length) == 0;
    }
}
