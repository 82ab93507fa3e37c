using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.MapsOfObjects;

/// <summary>Reads bpftool's JSON map dumps, whose keys and values are arrays of "0x.." bytes.</summary>
internal static class BpftoolJson
{
    public static uint UInt32(JsonElement bytes)
    {
        var raw = bytes.EnumerateArray().Select(b => byte.Parse(b.GetString()![2..], NumberStyles.HexNumber)).ToArray();
        return BinaryPrimitives.ReadUInt32LittleEndian(raw);
    }

    public static string ProgramName(uint id)
    {
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "prog", "show", "id", id.ToString(CultureInfo.InvariantCulture)));
        return shown.RootElement.GetProperty("name").GetString()!;
    }

    public static string MapName(uint id)
    {
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "map", "show", "id", id.ToString(CultureInfo.InvariantCulture)));
        return shown.RootElement.GetProperty("name").GetString()!;
    }
}
