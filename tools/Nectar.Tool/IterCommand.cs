using System.CommandLine;
using Nectar.Output;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar iter OBJ [PROGRAM]`: loads a BPF object, attaches one iterator program (SEC("iter/..."))
/// and copies what one run of it writes to standard output, byte for byte (text from
/// BPF_SEQ_PRINTF, or records from bpf_seq_write). Only that program is loaded, and nothing stays
/// loaded. Exit codes: 0 ran (also when the reader of standard output closed it early, as
/// <c>| head</c> does); 1 no such iterator program in the object, no such map, or standard output
/// failed (a full disk: named); 2 the kernel refused; 77 BPF not usable here.
/// </summary>
internal static class IterCommand
{
    internal static Command Create()
    {
        var file = new Argument<FileInfo>("object") { Description = "A BPF object file with SEC(\"iter/TARGET\") programs, e.g. bpf/task_iter.bpf.o." };
        var name = new Argument<string?>("program") { Description = "The iterator program to run; may be left out when the object has one iterator.", Arity = ArgumentArity.ZeroOrOne };
        var mapId = new Option<uint?>("--map-id") { Description = "For map-element iterators (iter/bpf_map_elem, ...): the kernel id of the map to walk (nectar map list shows them)." };
        var command = new Command("iter", "Run a BPF iterator program of an object once and print what it writes.") { file, name, mapId };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(name), result.GetValue(mapId)));
        return command;
    }

    private static int Run(FileInfo file, string? name, uint? mapId)
    {
        if (KernelSupport.WhyUnavailable is { } reason)
            return Fail(77, reason);
        var spec = BpfObjectSpec.Read(file.FullName);
        var iterators = spec.Programs.Values.Where(p => p.Section.Kind == AttachKind.Iterator)
            .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (iterators.Count == 0)
            return Fail(1, $"{file.Name} has no iterator program (SEC(\"iter/TARGET\")).");
        ProgramSpec chosen;
        if (name is null)
        {
            if (iterators.Count > 1)
                return Fail(1, $"{file.Name} has {iterators.Count} iterator programs; name one: {string.Join(", ", iterators.Select(p => $"{p.Name} ({p.Section.Name})"))}.");
            chosen = iterators[0];
        }
        else if (iterators.FirstOrDefault(p => p.Name == name) is { } named)
        {
            chosen = named;
        }
        else
        {
            return Fail(1, $"{file.Name} has no iterator program '{name}'; its iterators: {string.Join(", ", iterators.Select(p => $"{p.Name} ({p.Section.Name})"))}.");
        }

        using var map = mapId is { } id ? KernelObjects.OpenMap(id) : null;
        if (mapId is not null && map is null)
            return Fail(1, $"there is no map with id {mapId} (nectar map list shows them).");
        // Only the chosen program: another one of the object (a map-element iterator where the
        // kernel allows only task iterators) must not stop this one from running.
        foreach (var program in spec.Programs.Values)
            program.AutoLoad = program.Name == chosen.Name;
        using var obj = BpfObject.Load(spec);
        using var iterator = obj.Programs[chosen.Name].AttachIterator(new Links.IteratorOptions { Map = map });
        using var output = LineOutput.StandardOutput();
        using (var run = iterator.Open())
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = run.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.TryWrite(buffer.AsSpan(0, read)))
                    continue;
                if (output.ReaderClosed)
                    return 0;
                return Fail(1, $"writing to {output.Name} failed: {output.Failure}; {output.BytesWritten} byte(s) of {chosen.Name}'s output written.");
            }
        }
        return 0;
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"nectar iter: {message}");
        return exitCode;
    }
}
