using System.Text.RegularExpressions;
using Nectar.Elf;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// uprobe.multi/BINARY:PATTERN and uretprobe.multi/: one BPF link (BPF_TRACE_UPROBE_MULTI) on every
/// function of BINARY whose name matches PATTERN (a glob with * and ?, as libbpf takes it).
/// </summary>
internal static class UprobeMultiLink
{
    internal static BpfLink Attach(BpfProgram program, string target, bool isReturn)
    {
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || colon == target.Length - 1)
            throw new UprobeTargetException(UprobeTargetProblem.BadSyntax,
                $"uprobe.multi target '{target}' is not BINARY:PATTERN (write e.g. uprobe.multi/libc.so.6:malloc* or uprobe.multi//usr/bin/bash:read*).");
        string path = UprobeTarget.ResolveBinary(target[..colon]);
        string pattern = target[(colon + 1)..];
        var offsets = Offsets(path, pattern);
        string kind = isReturn ? "uretprobe.multi" : "uprobe.multi";
        string description = $"{program.Name} on {kind} {path}:{pattern} ({offsets.Length} function(s))";
        var fd = Bpf.UprobeMultiLinkCreate(program.Fd, path, offsets, default, default, isReturn, processId: null, $"Attaching {description}");
        return new BpfLink(fd, description);
    }

    /// <summary>The file offsets of the functions matching <paramref name="pattern"/>, one per address.</summary>
    private static ulong[] Offsets(string path, string pattern)
    {
        NativeElfFile elf;
        try
        {
            elf = NativeElfFile.Read(path);
        }
        catch (ElfException e)
        {
            throw new UprobeTargetException(UprobeTargetProblem.NotElf, $"Cannot place uprobes in '{path}': {e.Message}", e);
        }
        var glob = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant);
        var offsets = elf.DynamicFunctions.Concat(elf.StaticFunctions)
            .Where(f => !f.IsIndirect && f.Address != 0 && glob.IsMatch(f.BaseName))
            .Select(f => elf.FileOffsetOf(f.Address))
            .OfType<ulong>()
            .Distinct()
            .Order()
            .ToArray();
        if (offsets.Length == 0)
            throw new UprobeTargetException(UprobeTargetProblem.FunctionNotFound,
                $"No function of '{path}' matches '{pattern}' (its .dynsym and .symtab were searched); check the name, or the binary is stripped.");
        return offsets;
    }
}
