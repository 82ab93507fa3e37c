using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// What kind of file a path names (statx(2)), so that readers of whole files refuse devices,
/// FIFOs and sockets instead of reading /dev/zero until memory runs out.
/// </summary>
internal static unsafe partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>
    /// The file's type in words ("a regular file", "a character device", ...) and its size, or
    /// null when it cannot be examined (missing, no permission): the caller's own open reports that.
    /// </summary>
    internal static (string Type, bool IsRegular, ulong Size)? Describe(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            return null;
        int mode = *(ushort*)(buffer + ModeOffset) & 0xF000;
        ulong size = *(ulong*)(buffer + SizeOffset);
        string type = mode switch
        {
            0x8000 => "a regular file",
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        return (type, mode == 0x8000, size);
    }
}
