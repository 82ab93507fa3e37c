using System.CommandLine;
using System.CommandLine.Help;

namespace Nectar.Tool;

/// <summary>The root of the `nectar` command line; each verb lives in its own file.</summary>
internal static class NectarCommand
{
    internal static Command Create()
    {
        // Not a RootCommand: that names itself after the entry assembly (Nectar.Tool), and help
        // would print "Usage: Nectar.Tool"; the command people type is `nectar`.
        var root = new Command("nectar", "BTF dumps, code generation, tracepoints, and inspection of BPF programs, maps and links.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(BtfDumpCommand.Create());
        root.Subcommands.Add(ProgCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(LinkCommand.Create());
        root.Subcommands.Add(CodegenCommand.Create());
        root.Subcommands.Add(TracepointsCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(IterCommand.Create());
        return root;
    }
}
