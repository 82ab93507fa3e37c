using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nectar.Logging;

namespace Nectar.Kernel.Tests.Samples;

/// <summary>Writes entries as the console logger would with Nectar's one-line formatter, to a writer.</summary>
internal sealed class NectarFormatterProvider(TextWriter writer) : ILoggerProvider
{
    private readonly NectarConsoleFormatter _formatter = new();
    private readonly TextWriter _writer = writer;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(NectarFormatterProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider)
                provider._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, provider._writer);
        }
    }
}
