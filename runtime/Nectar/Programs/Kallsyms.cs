namespace Nectar.Programs;

/// <summary>
/// /proc/kallsyms, the kernel's symbol table: where typeless __ksym externs take their addresses
/// (as libbpf does) and how ksyscall/ finds syscall wrappers on kernels without BTF for them.
/// Addresses read as 0 unless the process may see them (root, kptr_restrict).
/// </summary>
internal static class Kallsyms
{
    internal const string Path = "/proc/kallsyms";

    /// <summary>The addresses of <paramref name="names"/> (those present; the first of duplicates, as libbpf takes it).</summary>
    internal static Dictionary<string, ulong> Find(IReadOnlySet<string> names)
    {
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (names.Count == 0 || !File.Exists(Path))
            return found;
        foreach (string line in File.ReadLines(Path))
        {
            // "ffffffff81234560 T __x64_sys_openat" (a module's symbols end in "\t[module]")
            if (Parse(line) is { } symbol && names.Contains(symbol.Name))
                found.TryAdd(symbol.Name, symbol.Address);
        }
        return found;
    }

    internal static (string Name, ulong Address)? Parse(string line)
    {
        int first = line.IndexOf(' ');
        int second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
        if (second < 0 || !ulong.TryParse(line.AsSpan(0, first), System.Globalization.NumberStyles.HexNumber, null, out ulong address))
            return null;
        int end = line.IndexOfAny([' ', '\t'], second + 1);
        return (end < 0 ? line[(second + 1)..] : line[(second + 1)..end], address);
    }
}
