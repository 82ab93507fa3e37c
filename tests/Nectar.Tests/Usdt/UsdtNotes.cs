using System.Buffers.Binary;
using System.Text;

namespace Nectar.Tests.Usdt;

/// <summary>Writes .note.stapsdt bytes as the assembler emits them, for the parser tests.</summary>
internal static class UsdtNotes
{
    internal static byte[] Note(ulong address, ulong noteBase, ulong semaphore, string provider, string name, string arguments,
        string owner = "stapsdt", uint type = 3)
    {
        var descriptor = new List<byte>();
        var addresses = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(addresses, address);
        BinaryPrimitives.WriteUInt64LittleEndian(addresses.AsSpan(8), noteBase);
        BinaryPrimitives.WriteUInt64LittleEndian(addresses.AsSpan(16), semaphore);
        descriptor.AddRange(addresses);
        foreach (string text in new[] { provider, name, arguments })
        {
            descriptor.AddRange(Encoding.UTF8.GetBytes(text));
            descriptor.Add(0);
        }
        byte[] ownerBytes = Encoding.UTF8.GetBytes(owner + "\0");
        var note = new List<byte>();
        var header = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)ownerBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)descriptor.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), type);
        note.AddRange(header);
        note.AddRange(ownerBytes);
        Pad(note);
        note.AddRange(descriptor);
        Pad(note);
        return note.ToArray();
    }

    private static void Pad(List<byte> bytes)
    {
        while (bytes.Count % 4 != 0)
            bytes.Add(0);
    }
}
