using Nectar.Interop;

namespace Nectar.Links;

/// <summary>
/// The cgroup v2 hierarchy as cgroup programs attach to it: where it is mounted, and the cgroup
/// directory a process is in (a "0::/PATH" line of /proc/PID/cgroup, under the mount point).
/// </summary>
public static class CgroupV2
{
    /// <summary>Where cgroup v2 is mounted ("/sys/fs/cgroup", or "/sys/fs/cgroup/unified" on hybrid systems).</summary>
    /// <exception cref="NotSupportedException">No cgroup v2 hierarchy is mounted.</exception>
    public static string MountPoint => Mounts.CgroupV2MountPoints() is { Count: > 0 } points ? points[0]
        : throw new NotSupportedException("No cgroup v2 hierarchy is mounted here (no cgroup2 line in /proc/self/mountinfo); mount one with: mount -t cgroup2 none /sys/fs/cgroup/unified");

    /// <summary>The cgroup v2 directory this process is in: attach a cgroup program there to see its own sockets.</summary>
    public static string OfCurrentProcess => OfProcess("self");

    /// <summary>The cgroup v2 directory process <paramref name="processId"/> is in.</summary>
    /// <exception cref="ArgumentException">No such process.</exception>
    public static string OfProcess(int processId) =>
        OfProcess(processId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string OfProcess(string process)
    {
        string file = $"/proc/{process}/cgroup";
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"There is no process {process} ({file} does not exist).", nameof(process), e);
        }
        string relative = RelativePathIn(lines)
            ?? throw new NotSupportedException($"{file} has no cgroup v2 line (\"0::/...\"): the process is in no cgroup v2 hierarchy.");
        string mountPoint = MountPoint;
        return relative is "/" or "" ? mountPoint : Path.Join(mountPoint, relative.TrimStart('/'));
    }

    /// <summary>The path after "0::" in /proc/PID/cgroup lines ("/" for the root cgroup), or null if none.</summary>
    internal static string? RelativePathIn(IEnumerable<string> procCgroupLines)
    {
        foreach (var line in procCgroupLines)
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
                return line[3..];
        }
        return null;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for BPF_LINK_CREATE, checking it is a cgroup v2 directory.
    /// </summary>
    /// <exception cref="NotACgroupException">It is not.</exception>
    internal static BpfFileDescriptor Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0'))
            throw NotACgroup(path, "an empty path (or one with a NUL) is not a cgroup directory");
        int fd = CgroupDirectory.TryOpen(path, out int errno);
        if (fd < 0)
        {
            string problem = errno switch
            {
                Errno.ENOENT => "does not exist",
                20 /* ENOTDIR */ => "is not a directory",
                _ => $"cannot be opened ({Libc.ErrorText(errno)})",
            };
            throw NotACgroup(path, $"'{path}' {problem}");
        }
        var handle = new BpfFileDescriptor(fd);
        long type = CgroupDirectory.FileSystemType(handle, out errno);
        if (type == CgroupDirectory.CgroupV2Magic)
            return handle;
        handle.Dispose();
        throw NotACgroup(path, type < 0
            ? $"'{path}' cannot be examined ({Libc.ErrorText(errno)})"
            : $"'{path}' is a directory but not of a cgroup v2 hierarchy (a cgroup v1 hierarchy or another file system, statfs type 0x{type:x})");
    }

    internal static NotACgroupException NotACgroup(string path, string problem)
    {
        var mounts = Mounts.CgroupV2MountPoints();
        string where = mounts.Count > 0
            ? $"cgroup v2 is mounted at {string.Join(", ", mounts)} here: pass that or a directory under it (CgroupV2.OfCurrentProcess is this process's cgroup)"
            : "no cgroup v2 hierarchy is mounted here (mount -t cgroup2 none /sys/fs/cgroup/unified)";
        return new NotACgroupException(path, mounts, $"Cgroup programs attach to a cgroup v2 directory; {problem}. {where}.");
    }
}
