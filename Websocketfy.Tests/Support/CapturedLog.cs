using Microsoft.Extensions.Logging;

namespace Websocketfy.Tests.Support;

/// <summary>The daemon's log lines, kept in memory so a test can wait for the one it asserts on.</summary>
public sealed class CapturedLog : ILoggerProvider, ILoggerFactory
{
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _added = new(0);

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    /// <summary>Waits until a line contains <paramref name="text"/> (or fails after a generous bound); returns it.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan? timeout = null)
    {
        using var patience = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            string? line = Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line;
            try { await _added.WaitAsync(patience.Token); }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no log line contains \"{text}\"; the log:\n{string.Join('\n', Lines)}");
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private void Add(string line)
    {
        lock (_lines) _lines.Add(line);
        _added.Release();
        TestLogging.Factory.CreateLogger("captured").LogDebug("{Line}", line);
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
