using Microsoft.Extensions.Logging;
using Nectar.Logging;

namespace Nectar.Tests.Logging;

public class BpfLogRecordTests
{
    [Fact]
    public void A_record_decodes_into_its_fields_and_renders_the_issue_example()
    {
        var bytes = LogRecordBuilder.Build(2, "raw_trace_sched_process_exec",
            "task.pid: %d, old_pid: %d, linux_binprm.filename: %s, ctx.uid: %u", 82000, 82000, "/bin/sh", 502UL);

        Assert.True(BpfLogRecord.TryDecode(bytes, out var record, out var error), error);

        Assert.Equal(LogLevel.Information, record!.Level);
        Assert.Equal("raw_trace_sched_process_exec", record.Category);
        Assert.Equal(1_000_000_123UL, record.BootTimeNs);
        Assert.Equal(4242u, record.Tgid);
        Assert.Equal(4243u, record.Pid);
        Assert.Equal("task.pid: 82000, old_pid: 82000, linux_binprm.filename: /bin/sh, ctx.uid: 502", record.Message);
    }

    [Fact]
    public void The_console_line_has_the_issue_format()
    {
        var timestamp = new DateTimeOffset(2024, 8, 12, 6, 49, 46, TimeSpan.Zero).AddTicks(4_787_610);
        string line = NectarConsoleFormatter.FormatLine(timestamp, LogLevel.Information, "raw_trace_sched_process_exec",
            "task.pid: 82000, old_pid: 82000, linux_binprm.filename: /bin/sh, ctx.uid: 502");
        Assert.Equal("2024-08-12T06:49:46.478761Z INFO raw_trace_sched_process_exec: task.pid: 82000, old_pid: 82000, linux_binprm.filename: /bin/sh, ctx.uid: 502", line);
    }

    [Fact]
    public void A_string_slot_size_other_than_the_default_is_worked_out_from_the_record_length()
    {
        var bytes = LogRecordBuilder.Build(3, "f", "%s and %d", "abc", -5).ToList();
        // Grow the string slot from 64 to 128 bytes, as NECTAR_LOG_STR_MAX 128 would.
        bytes.InsertRange(32 + 16 + 64, new byte[64]);
        Assert.True(BpfLogRecord.TryDecode(bytes.ToArray(), out var record, out var error), error);
        Assert.Equal("abc and -5", record!.Message);
    }

    [Theory]
    [InlineData("%x|%X|%o|%p", "u255 u255 u255 u255", "ff|FF|377|0xff")]
    [InlineData("%5d|%-5d|%05d|%05d", "u255 u255 u255 s-1", "  255|255  |00255|-0001")]
    [InlineData("%lu %llx %hhd %zu", "u255 u255 s-1 u7", "255 ff -1 7")]
    [InlineData("100%% %c%c", "u65 s98", "100% Ab")]
    [InlineData("%u %x", "s-1 s-1", "18446744073709551615 ffffffffffffffff")]
    [InlineData("%s=%d, %s", "tpid s7", "pid=7, <missing>")]
    [InlineData("%q and a lone %", "", "%q and a lone %")]
    public void Printf_conversions_render_as_in_C(string format, string arguments, string expected)
    {
        var parsed = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a[0] switch
        {
            'u' => new BpfLogArgument(BpfLogArgumentKind.Unsigned, ulong.Parse(a[1..]), null),
            's' => new BpfLogArgument(BpfLogArgumentKind.Signed, unchecked((ulong)long.Parse(a[1..])), null),
            _ => new BpfLogArgument(BpfLogArgumentKind.String, 0, a[1..]),
        }).ToList();
        Assert.Equal(expected, PrintfFormat.Render(format, parsed));
    }

    [Theory]
    [InlineData(10, "fewer than the 32-byte header")]
    [InlineData(-1, "levels run from 0")]
    [InlineData(-2, "at most 8 fit")]
    [InlineData(-3, "none of 1 (signed)")]
    [InlineData(-4, "do not hold")]
    public void Malformed_records_are_refused_with_the_reason(int damage, string reason)
    {
        var bytes = LogRecordBuilder.Build(2, "f", "%d", 1);
        switch (damage)
        {
            case -1: bytes[16] = 9; break;
            case -2: bytes[17] = 9; break;
            case -3: bytes[22] = 7; break;
            case -4: bytes = bytes[..^4]; break;
            default: bytes = bytes[..damage]; break;
        }
        Assert.False(BpfLogRecord.TryDecode(bytes, out var record, out var error));
        Assert.Null(record);
        Assert.Contains(reason, error);
    }
}
