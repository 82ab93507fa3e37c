using System.CommandLine;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>`nectar prog list`: the programs loaded in the kernel, as `bpftool prog list` lists them.</summary>
internal static class ProgListCommand
{
    internal static Command Create()
    {
        var command = new Command("list", "List the BPF programs loaded in the kernel: id, type, name, tag.");
        command.SetAction(_ => Run());
        return command;
    }

    /// <summary>The verb itself: it takes no options, so <see cref="NectarCommand.TryRunDirectly"/> runs it without a parse.</summary>
    internal static int Run()
    {
        Table.Print(["id", "type", "name", "tag"], KernelObjects.Programs(), p => [p.Id.ToString(), p.TypeName, p.Name, p.Tag]);
        return 0;
    }
}
