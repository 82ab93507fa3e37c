using System.Diagnostics;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>
/// Execs of a copy of /bin/true under a name of its own (so that its events are told apart from
/// the machine's other execs), from several threads at once; the pids of every exec made.
/// </summary>
internal sealed class ExecStorm : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nectar-storm-").FullName;

    public ExecStorm()
    {
        Program = Path.Combine(_directory, "storm-true");
        File.Copy("/bin/true", Program);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(Program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    /// <summary>The executable the storm runs: lines naming it are the storm's.</summary>
    public string Program { get; }

    /// <summary>Runs <paramref name="perThread"/> execs on each of <paramref name="threads"/> threads; returns every pid.</summary>
    public IReadOnlyList<int> Run(int threads, int perThread)
    {
        var pids = new List<int>[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            pids[t] = new List<int>(perThread);
            for (int i = 0; i < perThread; i++)
            {
                using var process = Process.Start(new ProcessStartInfo(Program) { UseShellExecute = false })!;
                pids[t].Add(process.Id);
                process.WaitForExit();
            }
        });
        return pids.SelectMany(p => p).ToList();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
