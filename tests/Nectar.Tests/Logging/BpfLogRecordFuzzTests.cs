using Nectar.Logging;

namespace Nectar.Tests.Logging;

/// <summary>Damaged log records are refused or decoded, never a crash: the reader runs on the poll thread.</summary>
public class BpfLogRecordFuzzTests
{
    [Fact]
    public void Every_single_byte_damage_and_truncation_of_a_valid_record_decodes_or_is_refused()
    {
        var valid = LogRecordBuilder.Build(2, "prog", "a %d b %s c %x %", -7, "text", 255UL);
        var random = new Random(7);
        for (int position = 0; position < valid.Length; position++)
        {
            foreach (byte value in new byte[] { 0, 0xFF, (byte)random.Next(256) })
            {
                var damaged = (byte[])valid.Clone();
                damaged[position] = value;
                Decodes(damaged);
            }
            // Records are whole 8-byte words; cut elsewhere, the layout cannot add up.
            bool decoded = Decodes(valid[..position]);
            if (position % 8 != 0)
                Assert.False(decoded, $"a record cut to {position} bytes was decoded");
        }
    }

    [Fact]
    public void Random_bytes_decode_or_are_refused()
    {
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            if (bytes.Length > 17)
                bytes[17] = (byte)random.Next(0, 9); // plausible argument counts reach the deeper checks
            Decodes(bytes);
        }
    }

    private static bool Decodes(byte[] bytes)
    {
        bool ok = BpfLogRecord.TryDecode(bytes, out var record, out var error);
        if (ok)
            _ = record!.Message; // rendering must not throw either
        else
            Assert.False(string.IsNullOrEmpty(error));
        return ok;
    }
}
