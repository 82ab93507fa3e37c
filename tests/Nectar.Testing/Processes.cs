using System.Diagnostics;

namespace Nectar.Testing;

/// <summary>Runs a command for a test and captures what it printed.</summary>
public static class Processes
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Start(start);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts the process; a command that is not installed fails naming it, and the declaration that makes such a test skip instead.</summary>
    private static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Could not start {start.FileName} ({e.Message}). A test that starts an oracle tool declares it, e.g. [KernelFact(Tools = Oracle.Bpftool)] or [OracleFact(Oracle.Clang)], and skips where it is missing.", e);
        }
    }

    /// <summary>
    /// Runs a command as user nobody with no capabilities (setpriv), as an unprivileged user would,
    /// with the dotnet host's home folders pointed somewhere nobody can write. Needs root to drop from.
    /// </summary>
    public static Result RunUnprivileged(params string[] command)
    {
        Assert.True(Environment.UserName == "root", "dropping privileges with setpriv needs a test run as root");
        return Run("setpriv",
            ["--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps=-all",
             "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", .. command]);
    }
}
