using System;
using System.Text;

namespace Nectar.Btf;

/// <summary>
/// The bytes a <see cref="Btf"/> reads: a managed array, or memory that lives as long as the
/// process (the running kernel's BTF mapped by <see cref="KernelBtfMapping"/>, never unmapped), so
/// that no span handed out over it can outlive what it points into.
/// </summary>
internal readonly unsafe struct BtfBytes
{
    private readonly byte[]? _array;
    private readonly byte* _permanent;
    private readonly int _length;

    internal BtfBytes(byte[] array)
    {
        _array = array;
        _permanent = null;
        _length = array.Length;
    }

    /// <summary>Memory that is never freed or unmapped while the process runs.</summary>
    internal BtfBytes(byte* permanent, int length)
    {
        _array = null;
        _permanent = permanent;
        _length = length;
    }

    /// <summary>True for memory that lives as long as the process (the mapped kernel BTF).</summary>
    internal bool IsPermanent => _array is null && _permanent is not null;

    internal ReadOnlySpan<byte> Span => _array is not null ? _array : new ReadOnlySpan<byte>(_permanent, _length);

    /// <summary>UTF-8 to string from a span (netstandard2.0, which the generator targets, has no span overload).</summary>
    internal static string DecodeUtf8(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
            return string.Empty; // fixed gives null for an empty span, which GetString refuses
        fixed (byte* first = utf8)
            return Encoding.UTF8.GetString(first, utf8.Length);
    }
}
