using System.Diagnostics;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Execs a test can count among everyone else's: a copy of /bin/true under a name of its own (the
/// comm the kernel gives the new program), run with a chosen number of arguments.
/// </summary>
internal sealed class NamedExecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nectar-execs-").FullName;

    public NamedExecs()
    {
        // comm holds 15 characters: "nx" and 12 random hex digits fit.
        Comm = "nx" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 6).ToLowerInvariant();
        Path = System.IO.Path.Combine(_directory, Comm);
        File.Copy("/bin/true", Path); // its mode too: executable
    }

    /// <summary>The program's name, as execs by it are counted (bpf_get_current_comm).</summary>
    public string Comm { get; }

    public string Path { get; }

    /// <summary>Execs the program <paramref name="count"/> times, each with argc = <paramref name="argc"/> (the program's path and argc-1 arguments).</summary>
    public void Run(int count, int argc)
    {
        for (int i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo(Path);
            for (int a = 1; a < argc; a++)
                start.ArgumentList.Add("a");
            using var process = Process.Start(start)!;
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
