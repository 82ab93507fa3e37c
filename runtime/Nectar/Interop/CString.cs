using System.Text;

namespace Nectar.Interop;

/// <summary>NUL-terminated UTF-8 strings, as the kernel takes names and paths and writes logs.</summary>
internal static class CString
{
    /// <summary>The bytes of <paramref name="text"/> followed by a NUL, to pin and pass by pointer.</summary>
    internal static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text + "\0");

    /// <summary>The text before the first NUL (or all of it when there is none).</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
