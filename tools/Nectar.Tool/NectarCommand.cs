using System.CommandLine;

namespace Nectar.Tool;

/// <summary>The root of the `nectar` command line; each verb lives in its own file.</summary>
internal static class NectarCommand
{
    internal static RootCommand Create()
    {
        var root = new RootCommand("nectar: BTF dumps, code generation, tracepoints, and inspection of BPF programs, maps and links.");
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(BtfDumpCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
