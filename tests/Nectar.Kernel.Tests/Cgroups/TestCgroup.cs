using Nectar.Links;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>
/// A cgroup v2 of the test's own, made under the mount point and removed on Dispose (rmdir; the
/// kernel refuses while a process is in it or, before the links close, it would still hold them).
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    public TestCgroup()
    {
        Path = System.IO.Path.Join(CgroupV2.MountPoint, $"nectar-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path);
}
