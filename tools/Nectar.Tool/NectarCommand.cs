using System.CommandLine;
using System.CommandLine.Help;

namespace Nectar.Tool;

/// <summary>The root of the `nectar` command line; each verb lives in its own file.</summary>
internal static class NectarCommand
{
    /// <summary>The verbs, by name, each made only when asked for.</summary>
    private static readonly (string Name, Func<Command> Create)[] Verbs =
    [
        ("check", CheckCommand.Create),
        ("btf", BtfDumpCommand.Create),
        ("prog", ProgCommand.Create),
        ("map", MapCommand.Create),
        ("link", LinkCommand.Create),
        ("codegen", CodegenCommand.Create),
        ("tracepoints", TracepointsCommand.Create),
        ("bench", BenchCommand.Create),
        ("trace", TraceCommand.Create),
        ("iter", IterCommand.Create),
    ];

    /// <summary>The whole command line: every verb.</summary>
    internal static Command Create() => Create(verb: null);

    /// <summary>
    /// The command line with only <paramref name="verb"/> under the root when it names one (the
    /// first argument), else with every verb (help, a misspelled verb). Making the other verbs'
    /// options, rules and descriptions is most of what System.CommandLine costs a start-up, and
    /// a tool run from scripts should start like a native one (`nectar bench startup`); parsing
    /// and help for the verb asked for are the same either way.
    /// </summary>
    internal static Command Create(string? verb)
    {
        // Not a RootCommand: that names itself after the entry assembly (Nectar.Tool), and help
        // would print "Usage: Nectar.Tool"; the command people type is `nectar`.
        var root = new Command("nectar", "BTF dumps, code generation, tracepoints, and inspection of BPF programs, maps and links.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        bool named = Verbs.Any(v => v.Name == verb);
        foreach (var (name, create) in Verbs)
        {
            if (!named || name == verb)
                root.Subcommands.Add(create());
        }
        return root;
    }
}
