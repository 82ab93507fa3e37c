using System.Text;

namespace Nectar.Interop;

// Where cgroup v2 is mounted, from /proc/self/mountinfo (not /proc/self/mounts: mountinfo also
// gives the root of a bind mount, and its fields are space-separated with spaces escaped as \040).
internal static partial class Mounts
{
    private const string CgroupV2FileSystem = "cgroup2";

    /// <summary>The cgroup v2 mount points this process sees, first mounted first ("/sys/fs/cgroup", or "/sys/fs/cgroup/unified" on hybrid systems).</summary>
    internal static IReadOnlyList<string> CgroupV2MountPoints() =>
        File.Exists("/proc/self/mountinfo") ? CgroupV2MountPointsIn(File.ReadLines("/proc/self/mountinfo")) : [];

    /// <summary>
    /// The cgroup2 mount points among mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
    /// [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS". Only mounts of the hierarchy's root count (a bind
    /// mount of a sub-cgroup would make paths under it ambiguous).
    /// </summary>
    internal static IReadOnlyList<string> CgroupV2MountPointsIn(IEnumerable<string> mountinfoLines)
    {
        var found = new List<string>();
        foreach (var line in mountinfoLines)
        {
            var fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (separator < 6 || separator + 1 >= fields.Length || fields[separator + 1] != CgroupV2FileSystem || fields[3] != "/")
                continue;
            string mountPoint = Unescape(fields[4]);
            if (!found.Contains(mountPoint))
                found.Add(mountPoint);
        }
        return found;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo (octal).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add((byte)((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
