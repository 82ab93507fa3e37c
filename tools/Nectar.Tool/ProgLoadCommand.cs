using System.CommandLine;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar prog load OBJ`: loads every program of an object and reports each (ok, or the verifier's
/// reason with its source line); exits 1 if any program did not load. Nothing stays loaded.
/// </summary>
internal static class ProgLoadCommand
{
    internal static Command Create()
    {
        var file = new Argument<FileInfo>("object") { Description = "A BPF object file (clang -target bpf -g), e.g. bpf/counter.bpf.o." };
        var log = new Option<bool>("--log") { Description = "Print the verifier's full log for programs it rejects." };
        var command = new Command("load", "Load every program of a BPF object and report each one: ok, or why not.") { file, log };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(log)));
        return command;
    }

    private static int Run(FileInfo file, bool printLog)
    {
        BpfObjectSpec spec;
        try
        {
            spec = BpfObjectSpec.Read(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Elf.ElfException or Btf.BtfException)
        {
            Console.Error.WriteLine($"nectar: {e.Message}");
            return 1;
        }

        using var obj = BpfObject.Load(spec, new BpfLoadOptions { ContinueOnProgramFailure = true });
        if (obj.BtfLoadError is { } btfError)
            Console.WriteLine($"warning: {btfError}");
        int failed = 0, optionalSkipped = 0;
        foreach (var program in spec.Programs.Values.OrderBy(p => p.Section.Name, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            string label = $"{program.Name} ({program.Section.Name})";
            if (obj.Programs.TryGetValue(program.Name, out var loaded))
            {
                Console.WriteLine($"ok      {label}: id {loaded.Id}, {program.Instructions.Length} instructions");
                continue;
            }
            failed++;
            if (!program.Section.IsSupported)
            {
                Console.WriteLine($"skipped {label}: {program.Section.UnsupportedReason}");
                continue;
            }
            if (!program.AutoLoad)
            {
                failed--; // not a failure: the object asks for it not to be loaded
                optionalSkipped++;
                Console.WriteLine($"skipped {label}: not loaded by default (SEC(\"?{program.Section.Name}\"), as libbpf)");
                continue;
            }
            var error = obj.Failures[program.Name];
            Console.WriteLine($"FAILED  {label}: {error.Message}");
            if (printLog && error is BpfVerifierException verifier)
                Console.WriteLine(verifier.Log);
        }
        Console.WriteLine($"{spec.Programs.Count - failed - optionalSkipped} of {spec.Programs.Count} program(s) of {file.Name} loaded" +
            (optionalSkipped > 0 ? $" ({optionalSkipped} not loaded by default)." : "."));
        return failed == 0 ? 0 : 1;
    }
}
