namespace Nectar.Interop;

/// <summary>BPF_OBJ_PIN and BPF_OBJ_GET: naming maps and links in bpffs (mounted at /sys/fs/bpf when absent).</summary>
internal static unsafe class Pinning
{
    public const string BpffsRoot = "/sys/fs/bpf";

    /// <summary>Pins <paramref name="fd"/> at <paramref name="path"/>, which must lie in a bpffs mount.</summary>
    public static void Pin(BpfFileDescriptor fd, string path, string what)
    {
        if (path.StartsWith(BpffsRoot + "/", StringComparison.Ordinal))
            Mounts.Ensure(BpffsRoot, "bpf");
        byte[] name = CString.Encode(path);
        fixed (byte* pointer = name)
        {
            var attr = new ObjPinAttr { PathName = (ulong)pointer, BpfFd = (uint)fd.Value };
            Bpf.Call(BpfCommand.ObjPin, ref attr, $"Pinning {what} at {path} (is the directory on a bpffs mount, and the name unused?)");
        }
    }

    /// <summary>Creates a pin directory (bpffs allows directories), mounting bpffs at /sys/fs/bpf first if needed.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (directory == BpffsRoot || directory.StartsWith(BpffsRoot + "/", StringComparison.Ordinal))
            Mounts.Ensure(BpffsRoot, "bpf");
        Directory.CreateDirectory(directory);
    }

    /// <summary>Opens the object pinned at <paramref name="path"/>, or null when nothing is pinned there.</summary>
    public static BpfFileDescriptor? TryOpen(string path)
    {
        byte[] name = CString.Encode(path);
        fixed (byte* pointer = name)
        {
            var attr = new ObjPinAttr { PathName = (ulong)pointer };
            int fd = Bpf.TryCall(BpfCommand.ObjGet, ref attr, out int errno);
            if (fd >= 0)
                return new BpfFileDescriptor(fd);
            if (errno == Errno.ENOENT)
                return null;
            throw Bpf.ToException($"Opening the pinned object {path}", errno);
        }
    }
}
