using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Links;

/// <summary>
/// An attached iterator (SEC("iter/TARGET")). Nothing runs until it is read: each
/// <see cref="Open"/> (or <see cref="ReadAll"/>, <see cref="ReadRecords{T}"/>) starts a new walk in
/// which the program runs once per object (task, map, map element, ksym, ...) and what it writes
/// with bpf_seq_printf / BPF_SEQ_PRINTF / bpf_seq_write is what is read. Pinned in bpffs,
/// `cat /sys/fs/bpf/PIN` runs it too (<see cref="BpfLink.Pin"/>). Dispose detaches it.
/// <see cref="BpfProgram.Attach()"/> of an iterator program returns one too.
/// </summary>
public sealed class BpfIteratorLink : BpfLink
{
    private const int ChunkSize = 64 * 1024;

    internal BpfIteratorLink(BpfFileDescriptor fd, string description) : base(fd, description) { }

    /// <summary>Starts a new walk; read the stream to its end to run the program over every object.</summary>
    public Stream Open() => new IteratorStream(IteratorLink.Create(this), Description);

    /// <summary>Runs the iterator once and returns its output as UTF-8 text.</summary>
    public string ReadAll()
    {
        using var stream = Open();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: ChunkSize);
        return reader.ReadToEnd();
    }

    /// <summary>Runs the iterator once and returns its output as lines of text (without the line ends).</summary>
    public IEnumerable<string> ReadLines()
    {
        using var stream = Open();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: ChunkSize);
        while (reader.ReadLine() is { } line)
            yield return line;
    }

    /// <summary>
    /// Runs the iterator once, reading its output as consecutive fixed-size <typeparamref name="T"/>
    /// records (what a program writes with bpf_seq_write(seq, &amp;record, sizeof(record))). Lazy:
    /// the walk advances as the sequence is enumerated. Throws <see cref="InvalidDataException"/>
    /// when the output ends inside a record, which means <typeparamref name="T"/> does not match
    /// the C struct.
    /// </summary>
    public IEnumerable<T> ReadRecords<T>() where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var buffer = new byte[Math.Max(ChunkSize / size, 1) * size];
        using var stream = Open();
        int filled = 0;
        long total = 0;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            total += read;
            if (read == 0)
            {
                if (filled != 0)
                    throw new InvalidDataException(
                        $"Iterator '{Description}' wrote {total} bytes, not a whole number of {size}-byte {typeof(T).Name} records: " +
                        $"declare {typeof(T).Name} to match the C struct the program passes to bpf_seq_write.");
                yield break;
            }
            filled += read;
            int whole = filled / size * size;
            for (int offset = 0; offset < whole; offset += size)
                yield return MemoryMarshal.Read<T>(buffer.AsSpan(offset, size));
            Buffer.BlockCopy(buffer, whole, buffer, 0, filled - whole);
            filled -= whole;
        }
    }
}
