using System.CommandLine;

namespace Nectar.Tool;

/// <summary>`nectar bench ...`: timings of Nectar's hot paths on this machine; each benchmark lives in its own file.</summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var command = new Command("bench", "Measure Nectar's hot paths on this machine and print the figures.");
        command.Subcommands.Add(BenchBtfCommand.Create());
        return command;
    }
}
