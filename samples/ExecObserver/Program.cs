using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Nectar;
using Nectar.Logging;
using Nectar.Interop;
using Nectar.Output;
using Nectar.Samples.ExecObserver;

// The exec observer: one log line per exec on this machine, until Ctrl-C. Exit codes: 0 stopped
// (Ctrl-C, SIGTERM, or standard output closed by its reader, as `| head` does); 1 bad arguments, a
// failed output (full disk...) or an object that does not load; 77 BPF not usable here; 70 a bug
// (NECTAR_DEBUG=1 prints its stack trace).
// First, before anything opens a descriptor (Console among them): at a low open-files limit the
// .NET runtime aborts (exit 134) when it runs out, where this is one line and exit 1.
if (FileDescriptorLimit.WhyTooLow(ExecObserverSession.FileDescriptorsNeeded) is { } fdLimit)
{
    using var stderr = LineOutput.StandardError();
    stderr.TryWriteLine($"ExecObserver: {fdLimit}");
    return 1;
}

var mode = new Option<ExecObserverMode>("--mode")
{
    Description = "btf: a BTF-typed tracepoint (tp_btf); raw: a raw tracepoint reading ctx->args[0..2].",
    DefaultValueFactory = _ => ExecObserverMode.Btf,
};
// Enum parsing takes numbers too ("--mode 5"): only the named modes are valid.
mode.Validators.Add(result =>
{
    if (result.Tokens.Count == 1 && !Enum.GetNames<ExecObserverMode>().Contains(result.Tokens[0].Value, StringComparer.OrdinalIgnoreCase))
        result.AddError($"--mode '{result.Tokens[0].Value}' is not a mode: choose btf or raw.");
});
var root = new RootCommand("Logs one line per exec on this machine (sched_process_exec), until Ctrl-C.") { mode };
root.SetAction(result => ExecObserverCommand.RunAsync(result.GetValue(mode)));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line per problem and exit 1, not the help text.
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"ExecObserver: {error.Message}");
    return 1;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    if (Environment.GetEnvironmentVariable("NECTAR_DEBUG") == "1")
        Console.Error.WriteLine(e);
    Console.Error.WriteLine($"ExecObserver: internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")} (a bug: NECTAR_DEBUG=1 prints the stack trace)");
    return 70;
}
