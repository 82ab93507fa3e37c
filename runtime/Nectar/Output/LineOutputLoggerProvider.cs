using System.Buffers;
using Microsoft.Extensions.Logging;
using Nectar.Logging;

namespace Nectar.Output;

/// <summary>
/// A logger provider that writes each entry as one line in <see cref="NectarConsoleFormatter"/>'s
/// format through a checked <see cref="LineOutput"/>, at once, on the logging thread: unlike the
/// console logger (a background queue that drops write errors), a failed output is seen by the
/// program (<see cref="LineOutput.Failed"/>) and lines written are counted. Entries at
/// <paramref name="errorThreshold"/> and above go to <paramref name="errors"/> when given, as
/// diagnostics do (stderr), so that standard output holds only the data. Never throws.
/// </summary>
public sealed class LineOutputLoggerProvider(LineOutput output, LineOutput? errors = null, LogLevel errorThreshold = LogLevel.Warning) : ILoggerProvider
{
    private readonly LineOutput _output = output;
    private readonly LineOutput? _errors = errors;
    private readonly LogLevel _errorThreshold = errorThreshold;

    public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class LineLogger(string category, LineOutputLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var target = provider._errors is { } errors && logLevel >= provider._errorThreshold ? errors : provider._output;
            var timestamp = state is BpfLogEntry bpf ? bpf.Timestamp : DateTimeOffset.UtcNow;
            string message = formatter(state, exception);
            if (exception is null && TryWriteWithoutAllocating(target, timestamp, logLevel, message))
                return;
            string line = NectarConsoleFormatter.FormatLine(timestamp, logLevel, category, message);
            if (exception is not null)
                line += Environment.NewLine + exception;
            target.TryWriteLine(line);
        }

        // The line is formatted on the stack (or in a pooled buffer when long), not as a string:
        // at thousands of events a second that halves what each event leaves to the GC.
        private bool TryWriteWithoutAllocating(LineOutput target, DateTimeOffset timestamp, LogLevel logLevel, string message)
        {
            const int StackChars = 512;
            int length = NectarConsoleFormatter.MaxLineLength(category, message.Length);
            char[]? rented = length > StackChars ? ArrayPool<char>.Shared.Rent(length) : null;
            Span<char> buffer = rented ?? stackalloc char[StackChars];
            try
            {
                if (!NectarConsoleFormatter.TryFormatLine(buffer, timestamp, logLevel, category, message, out int written))
                    return false;
                target.TryWriteLine(buffer[..written]);
                return true;
            }
            finally
            {
                if (rented is not null)
                    ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}

public static class LineOutputLoggingExtensions
{
    /// <summary>Logs through <see cref="LineOutputLoggerProvider"/>: one checked line per entry.</summary>
    public static ILoggingBuilder AddNectarLines(this ILoggingBuilder builder, LineOutput output, LineOutput? errors = null, LogLevel errorThreshold = LogLevel.Warning)
        => builder.AddProvider(new LineOutputLoggerProvider(output, errors, errorThreshold));
}
