using System.CommandLine;
using Nectar.Btf;

namespace Nectar.Tool;

/// <summary>
/// `nectar btf dump [--format c|raw|text] [--type NAME]... [FILE]`: BTF as a C header (vmlinux.h),
/// as a raw blob (the closure of the asked types, or the whole BTF), or as bpftool-style text.
/// </summary>
internal static class BtfDumpCommand
{
    internal static Command Create()
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "c: a C header for BPF programs; raw: a BTF blob (on standard output); text: one line per type, as bpftool's raw format.",
            DefaultValueFactory = _ => "c",
        };
        format.AcceptOnlyFromAmong("c", "raw", "text");
        var types = new Option<string[]>("--type", "-t")
        {
            Description = "Only this type (struct, union, enum, typedef, function...) and what it needs; repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var baseFile = new Option<string?>("--base")
        {
            Description = "The base BTF of a module's split BTF (default for /sys/kernel/btf/MODULE: the kernel's vmlinux BTF).",
        };
        var file = new Argument<string>("FILE")
        {
            Description = "Raw BTF or a BPF ELF object (its .BTF section).",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => KernelSupport.VmlinuxBtfPath,
        };
        var dump = new Command("dump", "Dump BTF as a C header, a raw blob or text.") { format, types, baseFile, file };
        dump.SetAction(result =>
        {
            try
            {
                Run(result.GetValue(format)!, result.GetValue(types) ?? [], result.GetValue(baseFile), result.GetValue(file)!);
                return 0;
            }
            catch (BtfException e)
            {
                Console.Error.WriteLine("nectar: " + e.Message);
                return 1;
            }
        });
        return new Command("btf", "Read BTF: the kernel's types, a module's, or a BPF object's.") { dump };
    }

    private static void Run(string format, string[] typeNames, string? baseFile, string file)
    {
        var btf = Btf.Btf.Load(file, LoadBase(file, baseFile));
        IReadOnlyList<uint>? roots = typeNames.Length == 0 ? null : Resolve(btf, typeNames);
        switch (format)
        {
            case "c":
                using (var output = StandardOutput())
                    BtfCDump.Write(btf, output, roots);
                break;
            case "text":
                using (var output = StandardOutput())
                    BtfTextDump.Write(btf, output, roots is null ? null : btf.Closure(roots));
                break;
            case "raw":
                byte[] blob = roots is null ? BtfWriter.Write(btf) : BtfWriter.WriteClosure(btf, roots);
                using (var stdout = Console.OpenStandardOutput())
                    stdout.Write(blob);
                break;
        }
    }

    private static Btf.Btf? LoadBase(string file, string? baseFile)
    {
        if (baseFile is not null)
            return Btf.Btf.Load(baseFile);
        // Module BTF in /sys/kernel/btf is split over the kernel's.
        string full = Path.GetFullPath(file);
        bool isModule = Path.GetDirectoryName(full) == Path.GetDirectoryName(KernelSupport.VmlinuxBtfPath) && full != KernelSupport.VmlinuxBtfPath;
        return isModule ? Btf.Btf.Load(KernelSupport.VmlinuxBtfPath) : null;
    }

    /// <summary>Every type with one of the names; a name no type has is an error with suggestions.</summary>
    private static List<uint> Resolve(Btf.Btf btf, string[] names)
    {
        var ids = new List<uint>();
        foreach (string name in names)
        {
            var found = btf.FindAllByName(name);
            if (found.Count == 0)
            {
                var close = BtfSuggestions.Closest(name, btf.Types.Where(t => !t.IsAnonymous).Select(t => t.Name));
                string hint = close.Count == 0 ? "" : " Did you mean " + string.Join(", ", close.Select(c => "'" + c + "'")) + "?";
                throw new BtfException($"No type named '{name}' in this BTF.{hint}");
            }
            ids.AddRange(found.Select(t => t.Id));
        }
        return ids;
    }

    private static StreamWriter StandardOutput() => new(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
}
