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

    /// <summary>
    /// The verbs that take no option or argument, by their words: the inspection verbs scripts run
    /// most, where the start-up is most of the cost. Given exactly these words (nothing else, so
    /// no help, no misspelling, no extra argument to report), a parse can only end in the verb's
    /// action, so it is called directly: making and parsing the command line (System.CommandLine's
    /// first calls) is a tenth of a native `prog list` (`nectar bench startup`).
    /// </summary>
    private static readonly (string Noun, string Verb, Func<int> Run)[] DirectVerbs =
    [
        ("prog", "list", ProgListCommand.Run),
        ("map", "list", MapCommand.List),
        ("link", "list", LinkCommand.List),
    ];

    /// <summary>The words of each verb <see cref="TryRunDirectly"/> runs (for the tests that keep them option-free).</summary>
    internal static IEnumerable<string[]> DirectVerbWords
    {
        get
        {
            foreach (var (noun, verb, _) in DirectVerbs)
                yield return [noun, verb];
        }
    }

    /// <summary>
    /// Runs the verb <paramref name="args"/> name when it is one of <see cref="DirectVerbs"/>
    /// given alone; false (and nothing run) otherwise, for the parse to do. Its exceptions are
    /// the verb's, for the caller to report as any verb's.
    /// </summary>
    internal static bool TryRunDirectly(IReadOnlyList<string> args, out int exitCode)
    {
        if (args.Count == 2)
        {
            foreach (var (noun, verb, run) in DirectVerbs)
            {
                if (args[0] == noun && args[1] == verb)
                {
                    exitCode = run();
                    return true;
                }
            }
        }
        exitCode = 0;
        return false;
    }

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
