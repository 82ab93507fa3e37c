using Nectar.Elf;

namespace Nectar.Interop;

/// <summary>
/// Reads a whole input file (a BPF object, a binary to probe) only when it is a regular file of a
/// bounded size: `nectar prog load /dev/zero` is refused at once instead of reading until memory
/// runs out, and a file that grows while it is read is cut off at the cap.
/// </summary>
internal static class BoundedFile
{
    /// <summary>The largest BPF object Nectar reads (clang's objects are kilobytes to a few megabytes).</summary>
    internal const long MaxObjectBytes = 256L * 1024 * 1024;

    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The size above which the file is refused.</param>
    /// <param name="what">What the file should be, for messages ("a BPF object").</param>
    internal static byte[] ReadAll(string path, long maxBytes, string what)
    {
        if (FileKind.Describe(path) is { } kind)
        {
            if (!kind.IsRegular)
                throw ElfBounds.Error(path, $"{kind.Type}, not a regular file; give the path of {what}");
            if (kind.Size > (ulong)maxBytes)
                throw ElfBounds.Error(path, $"{kind.Size} bytes is larger than the {maxBytes} bytes Nectar reads as {what}");
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var content = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (content.Length + read > maxBytes)
                throw ElfBounds.Error(path, $"more than the {maxBytes} bytes Nectar reads as {what}");
            content.Write(buffer, 0, read);
        }
        return content.ToArray();
    }
}
