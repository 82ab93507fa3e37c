using System.Buffers.Binary;
using System.Text;
using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// Writes small raw BTF blobs: the kernel feature probes, and synthetic "kernels" for relocation
/// tests. Types get ids in the order they are added, from 1.
/// </summary>
internal sealed class BtfBuilder
{
    private readonly List<uint> _words = [];
    private readonly StringBuilder _strings = new("\0");
    private readonly Dictionary<string, uint> _offsets = new() { [""] = 0 };
    private uint _nextId = 1;

    /// <summary>Adds one type record as 32-bit words (name, info and the kind's extra data); returns its id.</summary>
    internal uint Add(string name, BtfKind kind, int vlen, bool kindFlag, params uint[] rest)
    {
        _words.Add(Name(name));
        _words.Add(((uint)kind << 24) | (uint)vlen | (kindFlag ? 0x8000_0000 : 0));
        _words.AddRange(rest);
        return _nextId++;
    }

    internal uint Int(string name, uint size, bool signed = false) =>
        Add(name, BtfKind.Int, 0, false, size, (signed ? 1u << 24 : 0) | size * 8);

    internal uint Pointer(uint target) => Add("", BtfKind.Ptr, 0, false, target);

    internal uint Array(uint element, uint count, uint index) => Add("", BtfKind.Array, 0, false, 0, element, index, count);

    /// <summary>A struct or union; members are (name, type, bit offset, bitfield bits or 0).</summary>
    internal uint Composite(BtfKind kind, string name, uint size, params (string Name, uint Type, uint BitOffset, uint Bits)[] members)
    {
        bool bitfields = members.Any(m => m.Bits != 0);
        var rest = new List<uint> { size };
        foreach (var m in members)
            rest.AddRange([Name(m.Name), m.Type, bitfields ? m.Bits << 24 | m.BitOffset : m.BitOffset]);
        return Add(name, kind, members.Length, bitfields, [.. rest]);
    }

    internal uint Enum(string name, uint size, params (string Name, int Value)[] values)
    {
        var rest = new List<uint> { size };
        foreach (var v in values)
            rest.AddRange([Name(v.Name), unchecked((uint)v.Value)]);
        return Add(name, BtfKind.Enum, values.Length, false, [.. rest]);
    }

    /// <summary>The offset of <paramref name="text"/> in the string section, adding it on first use.</summary>
    internal uint Name(string text)
    {
        if (!_offsets.TryGetValue(text, out uint offset))
        {
            offset = (uint)Encoding.UTF8.GetByteCount(_strings.ToString());
            _strings.Append(text).Append('\0');
            _offsets[text] = offset;
        }
        return offset;
    }

    /// <summary>The blob: 24-byte header, type section, string section.</summary>
    internal byte[] Build()
    {
        byte[] text = Encoding.UTF8.GetBytes(_strings.ToString());
        int types = _words.Count * 4;
        var blob = new byte[24 + types + text.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xEB9F);
        blob[2] = 1;                                                          // version
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);        // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);         // type_off
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)types);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)types);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)text.Length);
        for (int i = 0; i < _words.Count; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(24 + i * 4), _words[i]);
        text.CopyTo(blob, 24 + types);
        return blob;
    }
}
