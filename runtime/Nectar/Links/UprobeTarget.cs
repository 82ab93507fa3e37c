using System.Globalization;
using Nectar.Btf;
using Nectar.Elf;

namespace Nectar.Links;

/// <summary>
/// Where a uprobe goes: a binary and a function in it (plus an offset into the function), or a
/// raw file offset when no function is named. <see cref="Resolve"/> turns it into the absolute
/// path and file offset the kernel's uprobe PMU takes, the way libbpf does.
/// </summary>
public sealed record UprobeTarget(string Binary, string? Function, ulong Offset = 0)
{
    /// <summary>Where library names without a slash (libc.so.6) are looked for after LD_LIBRARY_PATH.</summary>
    public static readonly IReadOnlyList<string> LibraryDirectories =
    [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    ];

    /// <summary>
    /// Parses a section's target, "PATH:FUNC", "PATH:FUNC+OFFSET" (decimal or 0x hex), as in
    /// SEC("uprobe/libc.so.6:malloc") or SEC("uretprobe//usr/bin/bash:readline").
    /// </summary>
    public static UprobeTarget Parse(string target)
    {
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || colon == target.Length - 1)
            throw new UprobeTargetException(UprobeTargetProblem.BadSyntax,
                $"Uprobe target '{target}' is not BINARY:FUNCTION[+OFFSET] (write e.g. uprobe/libc.so.6:malloc or uprobe//usr/bin/bash:readline+4).");
        string binary = target[..colon];
        string function = target[(colon + 1)..];
        ulong offset = 0;
        int plus = function.IndexOf('+');
        if (plus >= 0)
        {
            string number = function[(plus + 1)..];
            bool parsed = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(number.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset)
                : ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
            if (!parsed || plus == 0)
                throw new UprobeTargetException(UprobeTargetProblem.BadSyntax,
                    $"Uprobe target '{target}': '{function}' is not FUNCTION+OFFSET with a decimal or 0x-hex offset (write e.g. uprobe/libc.so.6:malloc+4 or uprobe/libc.so.6:malloc+0x10).");
            function = function[..plus];
        }
        return new UprobeTarget(binary, function, offset);
    }

    /// <summary>The absolute path of <see cref="Binary"/> and the file offset to probe.</summary>
    public (string Path, ulong FileOffset) Resolve()
    {
        string path = ResolveBinary(Binary);
        if (string.IsNullOrEmpty(Function))
            return (path, Offset);
        NativeElfFile elf;
        try
        {
            elf = NativeElfFile.Read(path);
        }
        catch (ElfException e)
        {
            throw new UprobeTargetException(UprobeTargetProblem.NotElf, $"Cannot place a uprobe in '{path}': {e.Message} Point the uprobe at an ELF executable or shared library.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UprobeTargetException(UprobeTargetProblem.BinaryNotFound, $"Cannot read '{path}' to find function '{Function}': {e.Message}", e);
        }
        var function = FindFunction(elf, path, Function);
        ulong fileOffset = elf.FileOffsetOf(function.Address)
            ?? throw new UprobeTargetException(UprobeTargetProblem.NotInCode,
                $"Function '{function.Name}' of '{path}' is at address 0x{function.Address:x}, which no executable PT_LOAD segment maps; it cannot be probed.");
        return (path, fileOffset + Offset);
    }

    /// <summary>
    /// The function named <paramref name="name"/>: .dynsym first, then .symtab (libbpf's order).
    /// A name without '@' matches every version of it, "NAME@VERSION" or "NAME@@VERSION" that version;
    /// several matches must agree on the address,
    /// except that a global definition wins over weak ones.
    /// </summary>
    internal static NativeElfFunction FindFunction(NativeElfFile elf, string path, string name)
    {
        if (elf.DynamicFunctions.Count == 0 && elf.StaticFunctions.Count == 0)
            throw new UprobeTargetException(UprobeTargetProblem.NoSymbols,
                $"'{path}' has no function symbols (neither .symtab nor .dynsym; it is stripped), so function '{name}' cannot be found: " +
                "attach by file offset (AttachUprobe with no function) or probe an unstripped build.");
        bool versioned = name.Contains('@');
        var wanted = new NativeElfFunction(name, ElfSymbolBinding.Global, false, 0, 0);
        foreach (var table in new[] { elf.DynamicFunctions, elf.StaticFunctions })
        {
            // "malloc@GLIBC_2.2.5" and "malloc@@GLIBC_2.2.5" both name that version, hidden or default.
            var matches = table.Where(f => f.BaseName == wanted.BaseName && (!versioned || f.Version == wanted.Version)).ToList();
            if (matches.Count == 0)
                continue;
            if (matches.Select(m => m.Address).Distinct().Count() > 1 && matches.Any(m => m.Binding == ElfSymbolBinding.Global))
                matches = matches.Where(m => m.Binding == ElfSymbolBinding.Global).ToList();
            if (matches.Select(m => m.Address).Distinct().Count() > 1)
                throw new UprobeTargetException(UprobeTargetProblem.AmbiguousFunction,
                    $"'{path}' has several functions named '{name}' at different addresses ({string.Join(", ", matches.Select(m => $"{m.Name} at 0x{m.Address:x}"))}); name one with its version (e.g. '{matches[0].Name}').");
            return matches[0];
        }
        var names = elf.DynamicFunctions.Concat(elf.StaticFunctions).Select(f => versioned ? f.Name : f.BaseName);
        var suggestions = BtfSuggestions.Closest(name, names);
        string hint = suggestions.Count == 0 ? "" : " Did you mean " + string.Join(", ", suggestions.Select(s => "'" + s + "'")) + "?";
        throw new UprobeTargetException(UprobeTargetProblem.FunctionNotFound,
            $"'{path}' has no function '{name}' in its symbol tables ({elf.DynamicFunctions.Count} in .dynsym, {elf.StaticFunctions.Count} in .symtab).{hint}");
    }

    /// <summary>
    /// A path with a slash is used as is (made absolute); a bare name is a library (".so" in it)
    /// looked up in LD_LIBRARY_PATH then <see cref="LibraryDirectories"/>, else a program looked up in PATH.
    /// </summary>
    public static string ResolveBinary(string binary)
    {
        if (binary.Length == 0)
            throw new UprobeTargetException(UprobeTargetProblem.BadSyntax, "A uprobe needs a binary: pass a path (/usr/bin/bash) or a library name (libc.so.6).");
        if (binary.Contains('/'))
        {
            string full = Path.GetFullPath(binary);
            return File.Exists(full) ? full
                : throw new UprobeTargetException(UprobeTargetProblem.BinaryNotFound, $"Uprobe binary '{full}' does not exist; check the path (or name a library without a slash, e.g. libc.so.6, to search the library directories).");
        }
        bool library = binary.Contains(".so", StringComparison.Ordinal);
        string? variable = Environment.GetEnvironmentVariable(library ? "LD_LIBRARY_PATH" : "PATH");
        var directories = (variable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).AsEnumerable();
        if (library)
            directories = directories.Concat(LibraryDirectories);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        throw new UprobeTargetException(UprobeTargetProblem.BinaryNotFound, library
            ? $"Library '{binary}' is in none of LD_LIBRARY_PATH, {string.Join(", ", LibraryDirectories)}; give its full path or add its directory to LD_LIBRARY_PATH."
            : $"Program '{binary}' is not on PATH; give its full path.");
    }
}
