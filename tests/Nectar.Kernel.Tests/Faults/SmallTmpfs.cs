using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>A tmpfs of a few KiB mounted in a scratch directory (as root), for a file system that fills up.</summary>
internal sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string directory) => Directory = directory;

    public string Directory { get; }

    public static SmallTmpfs Mount(int kib)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("nectar-tmpfs-").FullName;
        var result = Processes.Run("mount", ["-t", "tmpfs", "-o", $"size={kib}k", "tmpfs", directory]);
        Assert.True(result.ExitCode == 0, $"mount tmpfs failed: {result.Error}");
        return new SmallTmpfs(directory);
    }

    public void Dispose()
    {
        Processes.Run("umount", [Directory]);
        System.IO.Directory.Delete(Directory);
    }
}
