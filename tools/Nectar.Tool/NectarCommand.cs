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

    /// <summary>The whole command line: every verb, with help and version.</summary>
    internal static Command Create() => Create(verb: null, helpOrVersion: true);

    /// <summary>
    /// The command line <paramref name="args"/> need: only the verb the first argument names
    /// (every verb when it names none: help, a misspelled verb), and the help and version options
    /// only when an argument may ask for them. Building the other verbs' options and rules, and
    /// the help option's description (System.CommandLine's resources, found by reflection), is
    /// most of what the command line costs a start-up; a tool run from scripts should start like a
    /// native one (`nectar bench startup`). Parsing, errors and help are the same as with
    /// <see cref="Create()"/> for the arguments given.
    /// </summary>
    internal static Command ForArguments(IReadOnlyList<string> args)
    {
        // Loops, not Linq: on the start-up path every first generic call costs (Table).
        bool helpOrVersion = args.Count == 0;
        foreach (string argument in args)
            helpOrVersion |= MayAskForHelpOrVersion(argument);
        return Create(args.Count > 0 ? args[0] : null, helpOrVersion);
    }

    /// <summary>The help option's names, the version option's, or a response file (@file) that may hold them.</summary>
    private static bool MayAskForHelpOrVersion(string argument)
        => argument is "--help" or "-h" or "-?" or "/h" or "/?" or "--version" || argument.StartsWith('@');

    internal static Command Create(string? verb, bool helpOrVersion = true)
    {
        // Not a RootCommand: that names itself after the entry assembly (Nectar.Tool), and help
        // would print "Usage: Nectar.Tool"; the command people type is `nectar`.
        var root = new Command("nectar", "BTF dumps, code generation, tracepoints, and inspection of BPF programs, maps and links.");
        if (helpOrVersion)
        {
            root.Options.Add(new HelpOption());
            root.Options.Add(new VersionOption());
        }
        bool named = Array.FindIndex(Verbs, v => v.Name == verb) >= 0;
        foreach (var (name, create) in Verbs)
        {
            if (!named || name == verb)
                root.Subcommands.Add(create());
        }
        return root;
    }
}
