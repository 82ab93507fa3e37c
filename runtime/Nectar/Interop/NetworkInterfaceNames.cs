using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>Network interface names and indexes of this network namespace, as the C library resolves them.</summary>
internal static unsafe partial class NetworkInterfaceNames
{
    /// <summary>IFNAMSIZ: a name is at most 15 bytes and a NUL.</summary>
    internal const int MaxNameLength = 15;

    private const string SysClassNet = "/sys/class/net";

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint IfNameToIndex(string name);

    [LibraryImport("libc", EntryPoint = "if_indextoname")]
    private static partial byte* IfIndexToName(uint index, byte* name);

    /// <summary>The interface's index, or 0 when there is no interface of that name.</summary>
    internal static int IndexOf(string name) => (int)IfNameToIndex(name);

    /// <summary>The name of the interface with this index, or null when there is none.</summary>
    internal static string? NameOf(int index)
    {
        if (index <= 0)
            return null;
        byte* buffer = stackalloc byte[MaxNameLength + 1];
        return IfIndexToName((uint)index, buffer) == null ? null : Marshal.PtrToStringUTF8((nint)buffer);
    }

    /// <summary>The interfaces that exist, sorted (from sysfs, which lists this namespace's devices).</summary>
    internal static IReadOnlyList<string> All()
    {
        try
        {
            return Directory.Exists(SysClassNet)
                ? Directory.GetFileSystemEntries(SysClassNet).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
