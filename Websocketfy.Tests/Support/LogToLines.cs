using Microsoft.Extensions.Logging;

namespace Websocketfy.Tests.Support;

/// <summary>A logger provider that adds each message at Debug and above to <see cref="OutputLines"/>, one
/// line as the daemon's console shows it ("warn: Category[0] message"), so in-process tests can wait for a log line.</summary>
public sealed class LogToLines(OutputLines lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName);

    public void Dispose() { }

    private sealed class Logger(OutputLines lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string line = $"{Label(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            lines.Add(exception is null ? line : line + " " + exception.GetType().Name + ": " + exception.Message);
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
