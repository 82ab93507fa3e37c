using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>Mounting the pseudo file systems BPF uses (tracefs, bpffs) when the system has not.</summary>
internal static partial class Mounts
{
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string fileSystemType, ulong flags, nint data);

    /// <summary>Whether some file system of <paramref name="type"/> is mounted exactly at <paramref name="path"/>.</summary>
    internal static bool IsMounted(string path, string type)
    {
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[1] == path && fields[2] == type)
                return true;
        }
        return false;
    }

    /// <summary>Mounts <paramref name="type"/> at <paramref name="path"/> unless it is there already.</summary>
    internal static void Ensure(string path, string type)
    {
        if (IsMounted(path, type))
            return;
        Directory.CreateDirectory(path);
        if (Mount(type, path, type, 0, 0) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfException($"Mounting {type} at {path} failed: {Libc.ErrorText(errno)} (errno {errno}). Mount it yourself (mount -t {type} {type} {path}) or run as root.", errno);
        }
    }
}
