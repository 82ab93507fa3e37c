using Microsoft.Extensions.Logging;
using Nectar.Logging;
using Nectar.Output;

namespace Nectar.Tests.Output;

/// <summary>
/// The checked line logger writes exactly <see cref="NectarConsoleFormatter.FormatLine"/>'s line,
/// short or long, and formats short lines without allocating a string for them: at thousands of
/// events a second that is what the exec observer's resident set is made of.
/// </summary>
public sealed class LineOutputLoggerProviderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nectar-lines-{Guid.NewGuid():N}");
    private readonly FileStream _file;
    private readonly LineOutput _output;
    private readonly ILogger _logger;

    public LineOutputLoggerProviderTests()
    {
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write);
        _output = new LineOutput((int)_file.SafeFileHandle.DangerousGetHandle(), "a test file");
        _logger = new LineOutputLoggerProvider(_output).CreateLogger("raw_trace_sched_process_exec");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(470)] // about where the line passes the 512 characters formatted on the stack
    [InlineData(480)]
    [InlineData(5000)]
    public void Lines_are_the_formatters_whatever_their_length(int messageLength)
    {
        string message = new string('x', messageLength - 1) + "é";
        _logger.Log(LogLevel.Information, default, message, null, static (m, _) => m);
        _logger.Log(LogLevel.Warning, default, "second", null, static (m, _) => m);

        var lines = File.ReadAllLines(_path);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z INFO raw_trace_sched_process_exec: x+é$", lines[0]);
        Assert.Equal(NectarConsoleFormatter.FormatLine(DateTimeOffset.Parse(lines[0][..27], System.Globalization.CultureInfo.InvariantCulture), LogLevel.Information, "raw_trace_sched_process_exec", message), lines[0]);
        Assert.EndsWith(" WARN raw_trace_sched_process_exec: second", lines[1]);
        Assert.Equal(2, _output.LinesWritten);
    }

    [Fact]
    public void An_exception_follows_its_line()
    {
        _logger.Log(LogLevel.Error, default, "failed", new InvalidOperationException("why"), static (m, _) => m);

        string text = File.ReadAllText(_path);
        Assert.Contains(" ERROR raw_trace_sched_process_exec: failed\nSystem.InvalidOperationException: why", text);
    }

    [Fact]
    public void A_short_line_allocates_nothing_beyond_its_message()
    {
        const string message = "task.pid: 82000, old_pid: 82000, linux_binprm.filename: /bin/sh, ctx.uid: 502";
        for (int i = 0; i < 100; i++)
            _logger.Log(LogLevel.Information, default, message, null, static (m, _) => m);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            _logger.Log(LogLevel.Information, default, message, null, static (m, _) => m);
        long perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;

        // Before, each line was also a string of about 140 characters (300 bytes).
        Assert.True(perLine < 32, $"{perLine} bytes allocated per line");
        Assert.Equal(1100, _output.LinesWritten);
    }

    public void Dispose()
    {
        _output.Dispose();
        _file.Dispose();
        File.Delete(_path);
    }
}
