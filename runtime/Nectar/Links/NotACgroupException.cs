namespace Nectar.Links;

/// <summary>
/// A path given as a cgroup is not a directory of a cgroup v2 hierarchy (missing, a file, a cgroup
/// v1 hierarchy, or some other file system). Carries the path and where cgroup v2 is mounted here,
/// so the message can say where to look instead.
/// </summary>
public sealed class NotACgroupException : ArgumentException
{
    public NotACgroupException(string path, IReadOnlyList<string> cgroupV2MountPoints, string message) : base(message)
    {
        Path = path;
        CgroupV2MountPoints = cgroupV2MountPoints;
    }

    /// <summary>The path as it was given.</summary>
    public string Path { get; }

    /// <summary>Where cgroup v2 hierarchies are mounted in this mount namespace (empty if nowhere).</summary>
    public IReadOnlyList<string> CgroupV2MountPoints { get; }
}
