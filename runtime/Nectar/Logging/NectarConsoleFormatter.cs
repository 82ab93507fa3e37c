using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Nectar.Logging;

/// <summary>
/// A console formatter that writes one line per entry, as
/// <c>2024-08-12T06:49:46.478761Z INFO raw_trace_sched_process_exec: task.pid: 82000, ...</c>:
/// the UTC time (for BPF records, when the program logged them), the level, the category (for
/// BPF records, the BPF function's name) and the message. Register with
/// <see cref="NectarLoggingExtensions.AddNectarConsole"/>.
/// </summary>
public sealed class NectarConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "nectar";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var timestamp = logEntry.State is BpfLogEntry bpf ? bpf.Timestamp : DateTimeOffset.UtcNow;
        textWriter.WriteLine(FormatLine(timestamp, logEntry.LogLevel, logEntry.Category, message));
        if (logEntry.Exception is { } exception)
            textWriter.WriteLine(exception.ToString());
    }

    /// <summary>One line, without the newline.</summary>
    public static string FormatLine(DateTimeOffset timestamp, LogLevel level, string category, string message)
        => $"{timestamp.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff}Z {LevelName(level)} {category}: {message}";

    /// <summary>
    /// <see cref="FormatLine"/> into <paramref name="destination"/>, without allocating: false when
    /// it does not fit. A logger that writes every event (the exec observer's) formats this way,
    /// so each event costs the GC its message only, not a second string for the line.
    /// </summary>
    internal static bool TryFormatLine(Span<char> destination, DateTimeOffset timestamp, LogLevel level, string category, ReadOnlySpan<char> message, out int written)
        => destination.TryWrite($"{timestamp.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff}Z {LevelName(level)} {category}: {message}", out written);

    /// <summary>An upper bound of the line's length for <see cref="TryFormatLine"/>: the time and level take at most 34 characters.</summary>
    internal static int MaxLineLength(string category, int messageLength) => 34 + category.Length + 2 + messageLength;

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRIT",
        _ => level.ToString().ToUpperInvariant(),
    };
}

public static class NectarLoggingExtensions
{
    /// <summary>Adds the console logger with <see cref="NectarConsoleFormatter"/>'s one-line format.</summary>
    public static ILoggingBuilder AddNectarConsole(this ILoggingBuilder builder)
    {
        // The formatter is registered by hand rather than with AddConsoleFormatter<,>, which also
        // binds its options to configuration by reflection (neither trimming- nor AOT-safe). This
        // formatter has no options to bind; the console logger finds it by name among the
        // registered ConsoleFormatters.
        builder.AddConsole(options => options.FormatterName = NectarConsoleFormatter.FormatterName);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, NectarConsoleFormatter>());
        return builder;
    }
}
