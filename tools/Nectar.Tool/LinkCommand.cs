using System.CommandLine;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>`nectar link list`: the links in the kernel, as `bpftool link list` lists them.</summary>
internal static class LinkCommand
{
    internal static Command Create()
    {
        var list = new Command("list", "List the BPF links in the kernel: id, type, program id.");
        list.SetAction(_ => List());
        var command = new Command("link", "Inspect the BPF links in the kernel.");
        command.Subcommands.Add(list);
        return command;
    }

    /// <summary>`nectar link list`; it takes no options, so <see cref="NectarCommand.TryRunDirectly"/> runs it without a parse.</summary>
    internal static int List()
    {
        Table.Print(["id", "type", "prog"], KernelObjects.Links(), l => [l.Id.ToString(), l.TypeName, l.ProgramId.ToString()]);
        return 0;
    }
}
