using System.CommandLine;

namespace Nectar.Tool;

/// <summary>`nectar prog`: load BPF objects and list the kernel's programs.</summary>
internal static class ProgCommand
{
    internal static Command Create()
    {
        var command = new Command("prog", "Load BPF objects' programs, list the programs loaded in the kernel.");
        command.Subcommands.Add(ProgLoadCommand.Create());
        command.Subcommands.Add(ProgListCommand.Create());
        return command;
    }
}
