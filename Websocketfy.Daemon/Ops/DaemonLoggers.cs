using Microsoft.Extensions.Logging;

namespace Websocketfy.Daemon.Ops;

/// <summary>The daemon's logger factory and the stderr sink behind it, which batches lines: <see cref="Flush"/>
/// before anything else writes to stderr directly, so the order on stderr is the order things happened.</summary>
internal sealed class DaemonLoggers(ILoggerFactory factory, StderrLoggerProvider sink) : ILoggerFactory
{
    /// <summary>Lines dropped because stderr did not take them as fast as they came, since start.</summary>
    public long DroppedLines => sink.DroppedLines;

    /// <summary>Writes the buffered lines and waits for them (at most <see cref="LogBatchWriter.ExitWait"/>).</summary>
    public bool Flush() => sink.Flush();

    public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => factory.AddProvider(provider);

    /// <summary>Writes what is buffered (bounded wait) and stops the writer thread.</summary>
    public void Dispose()
    {
        factory.Dispose();
        sink.Dispose(); // the factory's services dispose it already; twice is harmless, and this does not depend on that
    }
}
