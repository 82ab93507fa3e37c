using System.Globalization;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Programs;
using Nectar.Usdt;

namespace Nectar.Links;

/// <summary>
/// usdt/PATH:PROVIDER:NAME: one uprobe on every site of a USDT probe, found in the binary's
/// .note.stapsdt notes, each site's arguments stored as a spec the program's bpf_usdt_arg() reads
/// (see <see cref="UsdtSpecTable"/>), its semaphore (if any) incremented by the kernel while the
/// probe is on (the uprobe's ref_ctr_offset), as libbpf's bpf_program__attach_usdt does.
/// </summary>
internal static class UsdtLink
{
    /// <summary>Parses a section's target "PATH:PROVIDER:NAME" (the path may itself hold colons).</summary>
    internal static (string Binary, string Provider, string Name) ParseTarget(string target)
    {
        int last = target.LastIndexOf(':');
        int middle = last > 0 ? target.LastIndexOf(':', last - 1) : -1;
        if (middle <= 0 || last == target.Length - 1 || last - middle == 1)
            throw new UsdtException(UsdtProblem.BadSyntax,
                $"USDT target '{target}' is not BINARY:PROVIDER:NAME (write e.g. usdt//usr/bin/python3:python:function__entry or usdt/libc.so.6:libc:setjmp).");
        return (target[..middle], target[(middle + 1)..last], target[(last + 1)..]);
    }

    internal static BpfLink Attach(BpfProgram program, UsdtSpecTable table, string binary, string provider, string name, int? processId, ulong cookie)
    {
        if (processId < 0)
            throw new ArgumentOutOfRangeException(nameof(processId), processId, "A USDT probe's process id is a process id, or null for every process.");
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new UsdtException(UsdtProblem.BadArgument, $"USDT argument specs are read for x86-64 only; this process runs on {RuntimeInformation.ProcessArchitecture}.");
        string path = UprobeTarget.ResolveBinary(binary);
        var elf = ReadElf(path);
        var sites = FindSites(elf, path, provider, name);
        string probe = $"{provider}:{name}";

        var parts = new List<BpfLink>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var addresses = new List<ulong>();
        void Undo()
        {
            foreach (var part in parts)
                part.Dispose();
            foreach (ulong address in addresses)
                table.UnmapAddress(address);
            foreach (int id in ids.Values)
                table.Remove(id);
        }
        try
        {
            foreach (var site in sites)
            {
                // One spec per distinct argument list, as libbpf shares them between sites.
                if (!ids.TryGetValue(site.Arguments, out int id))
                {
                    id = table.Add(new UsdtSpec(UsdtArgument.ParseAll(site.Arguments, probe), cookie));
                    ids[site.Arguments] = id;
                }
                ulong fileOffset = elf.FileOffsetOf(site.Address)
                    ?? throw new UsdtException(UsdtProblem.BadAddress, $"'{path}': USDT probe {probe} is at address 0x{site.Address:x}, which no executable PT_LOAD segment maps; the note or the binary is corrupt.");
                ulong semaphore = site.SemaphoreAddress == 0 ? 0 : elf.DataFileOffsetOf(site.SemaphoreAddress)
                    ?? throw new UsdtException(UsdtProblem.BadAddress, $"'{path}': the semaphore of USDT probe {probe} is at address 0x{site.SemaphoreAddress:x}, which no PT_LOAD segment maps; the note or the binary is corrupt.");
                if (!table.UsesCookies)
                {
                    ulong address = AddressInProcess(elf, path, site.Address, fileOffset, processId, probe);
                    table.MapAddress(address, id);
                    addresses.Add(address);
                }
                string where = $"USDT {probe} of {path} at file offset 0x{fileOffset:x}{(semaphore == 0 ? "" : $" (semaphore at 0x{semaphore:x})")}";
                parts.Add(UprobeLink.AttachAt(program, path, fileOffset, where, processId, isReturn: false, semaphore, table.UsesCookies ? (ulong)id : 0));
            }
        }
        catch
        {
            Undo();
            throw;
        }
        string forProcess = processId is { } pid ? $" for process {pid}" : "";
        var done = new List<BpfLink>(parts);
        parts.Clear(); // the link owns them now; Undo then only frees ids and addresses
        return new BpfLink(done, $"{program.Name} on usdt {path}:{probe} ({done.Count} site(s)){forProcess}", Undo);
    }

    private static NativeElfFile ReadElf(string path)
    {
        try
        {
            return NativeElfFile.Read(path);
        }
        catch (ElfException e)
        {
            throw new UprobeTargetException(UprobeTargetProblem.NotElf, $"Cannot read USDT probes of '{path}': {e.Message} Point the probe at an ELF executable or shared library.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UprobeTargetException(UprobeTargetProblem.BinaryNotFound, $"Cannot read '{path}' for its USDT probes: {e.Message}", e);
        }
    }

    /// <summary>The sites of provider:name, one per distinct address.</summary>
    internal static IReadOnlyList<UsdtNote> FindSites(NativeElfFile elf, string path, string provider, string name)
    {
        var notes = UsdtNoteReader.Read(elf, path);
        if (notes.Count == 0)
            throw new UsdtException(UsdtProblem.NoNotes,
                $"'{path}' has no USDT probes (no {UsdtNoteReader.NotesSection} section): build it with sys/sdt.h probes (DTRACE_PROBE/STAP_PROBE), or check the path.");
        var sites = notes.Where(n => n.Provider == provider && n.Name == name).DistinctBy(n => n.Address).ToList();
        if (sites.Count > 0)
            return sites;
        var known = notes.Select(n => n.FullName).Distinct().Order(StringComparer.Ordinal).ToList();
        var close = BtfSuggestions.Closest($"{provider}:{name}", known);
        string hint = close.Count > 0 ? $" Did you mean {string.Join(", ", close.Select(c => $"'{c}'"))}?" : "";
        throw new UsdtException(UsdtProblem.ProbeNotFound,
            $"'{path}' has no USDT probe '{provider}:{name}'; its {known.Count} probe(s): {string.Join(", ", known.Take(20))}{(known.Count > 20 ? ", ..." : "")}.{hint}");
    }

    /// <summary>
    /// Without BPF cookies the program finds its spec by the probe's address in the process: the
    /// note's address in a position-dependent executable, else the library's or PIE's load address
    /// (from /proc/PID/maps) plus the file offset, which needs a process id.
    /// </summary>
    private static ulong AddressInProcess(NativeElfFile elf, string path, ulong address, ulong fileOffset, int? processId, string probe)
    {
        const ushort executable = 2; // ET_EXEC
        if (elf.FileType == executable)
            return address;
        if (processId is null)
            throw new UsdtException(UsdtProblem.BadAddress,
                $"This kernel has no BPF cookies, so USDT probe {probe} is found by its address in the process; '{path}' is a shared library or PIE, whose address differs per process: attach for one process id.");
        string maps = $"/proc/{processId}/maps";
        foreach (string line in File.ReadLines(maps))
        {
            // start-end perms offset dev inode path
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != path || !fields[1].Contains('x'))
                continue;
            var range = fields[0].Split('-');
            ulong start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong offset = ulong.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (fileOffset >= offset && fileOffset - offset < end - start)
                return start + (fileOffset - offset);
        }
        throw new UsdtException(UsdtProblem.BadAddress, $"Process {processId} has no executable mapping of '{path}' ({maps}), so USDT probe {probe} has no address in it.");
    }
}
