using System.CommandLine;
using Nectar;
using Nectar.Tool;

// First, before anything opens a descriptor (Console among them): at a low open-files limit the
// .NET runtime aborts (exit 134) when it runs out, where this is one line and exit 1. Verbs that
// load objects check again for what they load (trace).
if (Nectar.Output.FileDescriptorLimit.WhyTooLow(8) is { } fdLimit)
{
    using var stderr = Nectar.Output.LineOutput.StandardError();
    stderr.TryWriteLine($"nectar: {fdLimit}");
    return 1;
}

// Errors are one line, prefixed with the command, never a stack trace; the exit code says which
// kind: 1 bad input (arguments, files), 2 the kernel refused (load, attach, map operations),
// 77 BPF is not usable by this user here (privileges), 70 a bug in Nectar. Verbs return their own
// codes the same way.
try
{
    // `prog list`, `map list`, `link list` given alone: nothing to parse (NectarCommand).
    if (NectarCommand.TryRunDirectly(args, out int exitCode))
        return exitCode;
    // Only what the arguments need is made: the verb they name, help and version when asked for.
    Command root = NectarCommand.ForArguments(args);
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        // Bad arguments (the rules in OptionRules among them), found before any verb runs: one line
        // each and exit 1, not the help text after them.
        foreach (var error in parse.Errors)
            Console.Error.WriteLine($"nectar: {error.Message.ReplaceLineEndings(" ")}");
        // A bare `nectar` names no verb: the verbs are what the user needs next, on stdout.
        if (args.Length == 0)
            root.Parse(["--help"]).Invoke();
        return 1;
    }
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BpfPermissionException e)
{
    return ExitWith(77, e.Message);
}
catch (BpfException e)
{
    return ExitWith(2, e.Message);
}
// Bad input includes every object fault (ELF, BTF, externs no config value can fill, CO-RE
// relocations that cannot be applied): the fix is in the object.
catch (Exception e) when (e is IOException or UnauthorizedAccessException or BpfObjectException or ArgumentException or KeyNotFoundException)
{
    return ExitWith(1, e.Message);
}
catch (Exception e)
{
    // Anything else is a bug in Nectar: still one line (70, EX_SOFTWARE), the trace on request.
    if (Environment.GetEnvironmentVariable("NECTAR_DEBUG") == "1")
        Console.Error.WriteLine(e);
    return ExitWith(70, $"internal error ({e.GetType().Name}): {e.Message} (a bug in Nectar: NECTAR_DEBUG=1 prints the stack trace for a report)");
}

static int ExitWith(int exitCode, string message)
{
    Console.Error.WriteLine($"nectar: {message.ReplaceLineEndings(" ")}");
    return exitCode;
}
