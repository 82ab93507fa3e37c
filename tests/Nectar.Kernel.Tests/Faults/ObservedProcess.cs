using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>
/// The exec observer sample or `nectar trace` run as a process whose output a test controls: a
/// pipe it reads (or stops reading, or closes), or a shell redirection such as <c>&gt;/dev/full</c>.
/// Standard error is collected line by line so that a test can wait for a line while it runs.
/// </summary>
internal sealed partial class ObservedProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _errorLines = [];

    private ObservedProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_errorLines)
                _errorLines.Add(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    public static string SamplePath => Path.Combine(AppContext.BaseDirectory, "ExecObserver.dll");

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll");

    /// <summary>
    /// Starts <c>dotnet DLL ARGS</c>; with <paramref name="stdoutRedirect"/> (a shell redirection
    /// like <c>&gt;/dev/full</c>) through sh, else with standard output a pipe to this test.
    /// </summary>
    public static ObservedProcess Start(string dll, IEnumerable<string> arguments, string? stdoutRedirect = null, string? prefix = null)
    {
        ProcessStartInfo start;
        if (stdoutRedirect is null && prefix is null)
        {
            start = new ProcessStartInfo(NectarCli.DotnetHost) { RedirectStandardOutput = true };
            start.ArgumentList.Add(dll);
        }
        else
        {
            // sh -c 'exec PREFIX "$@" REDIRECT' sh dotnet DLL ARGS: no quoting of the arguments.
            start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = stdoutRedirect is null };
            foreach (var argument in new[] { "-c", $"exec {prefix} \"$@\" {stdoutRedirect}", "sh", NectarCli.DotnetHost, dll })
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.RedirectStandardError = true;
        return new ObservedProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    public Process Process => _process;

    public StreamReader StandardOutput => _process.StandardOutput;

    public string ErrorText
    {
        get
        {
            lock (_errorLines)
                return string.Join('\n', _errorLines);
        }
    }

    /// <summary>Waits for a line of standard error that matches <paramref name="pattern"/>; fails the test after <paramref name="timeout"/>.</summary>
    public Match WaitForError(string pattern, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            lock (_errorLines)
            {
                foreach (var line in _errorLines)
                {
                    if (Regex.Match(line, pattern) is { Success: true } match)
                        return match;
                }
            }
            if (_process.HasExited && clock.Elapsed > TimeSpan.FromSeconds(1))
                break;
            Thread.Sleep(50);
        }
        Assert.Fail($"no line of standard error matched /{pattern}/ within {timeout.TotalSeconds} s; it said:\n{ErrorText}");
        return null!;
    }

    /// <summary>Waits for the program to attach; returns its BPF program id.</summary>
    public uint WaitUntilAttached(TimeSpan? timeout = null)
        => uint.Parse(WaitForError(@"attached to sched_process_exec \(program id (\d+)\)", timeout ?? TimeSpan.FromSeconds(60)).Groups[1].Value);

    /// <summary>Waits for the exit; fails the test when it does not come in time.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"the process did not exit within {timeout.TotalSeconds} s; standard error:\n{ErrorText}");
        _process.WaitForExit(); // flushes the asynchronous standard error reader
        return _process.ExitCode;
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
