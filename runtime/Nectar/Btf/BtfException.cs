using System;

namespace Nectar.Btf;

/// <summary>
/// BTF that cannot be read: truncated, of the other byte order, inconsistent. The message names
/// the byte offset (or type id) and what was wrong there.
/// </summary>
public sealed class BtfException : BpfObjectException
{
    public BtfException(string message, long offset = -1) : base(message) => Offset = offset;

    /// <summary>Byte offset in the blob where the problem was found, or -1 when it is not about one place.</summary>
    public long Offset { get; }

    internal static BtfException At(long offset, string what) => new($"Malformed BTF at byte offset {offset}: {what}", offset);
}
