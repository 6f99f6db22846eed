using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The daemon's log sink: each line is formatted by Microsoft.Extensions.Logging.Console's own formatter (simple,
/// systemd or json, so the bytes are the package's) on the thread that logs it, into that thread's reused
/// writer and byte buffer, and handed to a <see cref="LogBatchWriter"/> that writes many lines per write(2).
/// It replaces the package's ConsoleLoggerProvider, whose queue woke its logger thread and wrote once per line.
/// </summary>
internal sealed class StderrLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Lines at this level and above are written without the writer's linger.</summary>
    public const LogLevel UrgentLevel = LogLevel.Warning;

    private const string Category = "Websocketfy.Log";
    private const int KeptScratch = 4 * 1024;

    [ThreadStatic] private static StringWriter? t_text;
    [ThreadStatic] private static byte[]? t_bytes;
    [ThreadStatic] private static Encoder? t_encoder;
    [ThreadStatic] private static Encoding? t_encoderOf;

    private readonly ConsoleFormatter _formatter;
    private readonly Encoding _encoding;
    private readonly LogBatchWriter _writer;
    private IExternalScopeProvider? _scopes;

    /// <param name="output">stderr (or, in tests, any stream).</param>
    /// <param name="encoding">The encoding the console uses (<see cref="Console.OutputEncoding"/>), so the bytes are
    /// those Console.Error would write.</param>
    public StderrLoggerProvider(ConsoleFormatter formatter, Stream output, Encoding encoding)
    {
        _formatter = formatter;
        _encoding = encoding;
        _writer = new LogBatchWriter(output, ReportDropped);
    }

    /// <summary>Lines dropped because stderr did not take them as fast as they came, since start.</summary>
    public long DroppedLines => _writer.DroppedTotal;

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes what is buffered and waits for it (bounded: stderr may be stalled).</summary>
    public bool Flush() => _writer.Flush(LogBatchWriter.ExitWait);

    public void Dispose() => _writer.Dispose();

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception,
                               Func<TState, Exception?, string> format)
    {
        StringWriter text = t_text ??= new StringWriter();
        StringBuilder builder = text.GetStringBuilder();
        builder.Clear();
        _formatter.Write(new LogEntry<TState>(level, category, eventId, state, exception, format), _scopes, text);
        if (builder.Length == 0) return;

        if (!ReferenceEquals(t_encoderOf, _encoding)) (t_encoder, t_encoderOf) = (_encoding.GetEncoder(), _encoding);
        Encoder encoder = t_encoder!;
        int most = _encoding.GetMaxByteCount(builder.Length);
        byte[] bytes = t_bytes is { } scratch && scratch.Length >= most ? scratch : t_bytes = new byte[Math.Max(most, 512)];
        int length = 0;
        foreach (ReadOnlyMemory<char> chunk in builder.GetChunks())
            length += encoder.GetBytes(chunk.Span, bytes.AsSpan(length), flush: false);
        // One pass over the chunks; the end of the line flushes the encoder (a lone high surrogate at the end).
        length += encoder.GetBytes(ReadOnlySpan<char>.Empty, bytes.AsSpan(length), flush: true);

        _writer.Append(bytes.AsSpan(0, length), urgent: level >= UrgentLevel);

        // As the package's logger does: a long line (an exception) does not keep its memory for good on this thread.
        if (builder.Capacity > KeptScratch)
        {
            builder.Clear();
            builder.Capacity = KeptScratch;
        }
        if (bytes.Length > KeptScratch * 3) t_bytes = null;
    }

    private void ReportDropped(long lines) =>
        Write(Category, LogLevel.Warning, default, lines, null,
              static (count, _) => $"{count} log lines dropped: stderr did not take them as fast as they came");

    private sealed class StderrLogger(StderrLoggerProvider sink, string category) : ILogger
    {
        // The factory's filter (the configured level) decides before this logger is asked.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            sink._scopes?.Push(state) ?? NullLogger.Instance.BeginScope(state);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                                Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            ArgumentNullException.ThrowIfNull(formatter);
            sink.Write(category, logLevel, eventId, state, exception, formatter);
        }
    }
}
