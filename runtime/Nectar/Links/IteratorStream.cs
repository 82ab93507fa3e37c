using Nectar.Interop;

namespace Nectar.Links;

/// <summary>
/// One run of a BPF iterator as a read-only, forward-only stream: each read lets the kernel run
/// the program over the next objects; the end of the stream is the end of the walk.
/// </summary>
internal sealed class IteratorStream : Stream
{
    private readonly BpfFileDescriptor _fd;
    private readonly string _description;

    internal IteratorStream(BpfFileDescriptor fd, string description)
    {
        _fd = fd;
        _description = description;
    }

    public override bool CanRead => !_fd.IsClosed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("A BPF iterator's output has no length until it has been read to its end.");
    public override long Position
    {
        get => throw new NotSupportedException("A BPF iterator's output cannot seek.");
        set => throw new NotSupportedException("A BPF iterator's output cannot seek.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) =>
        buffer.IsEmpty ? 0 : IteratorFile.ReadSome(_fd, buffer, $"Reading iterator '{_description}'");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A BPF iterator's output cannot seek.");
    public override void SetLength(long value) => throw new NotSupportedException("A BPF iterator's output is read-only.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A BPF iterator's output is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _fd.Dispose();
        base.Dispose(disposing);
    }
}
