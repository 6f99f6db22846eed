using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Audit;

/// <summary>
/// The audit trail (--audit-log): sessions hand records to a bounded queue and go on; one writer task
/// turns them into JSON lines and appends them to the file in batches. Nothing waits for the disk on
/// a client's behalf.
/// <list type="bullet">
/// <item>Graceful stop: <see cref="CompleteAsync"/> (after the drain) writes every queued line and flushes.</item>
/// <item>SIGHUP: the reload opens the path again (<see cref="OpenFile"/>) and <see cref="UseFile"/> switches to it
/// (logrotate moves the file, then signals).</item>
/// <item>A failing disk (ENOSPC, EIO): the lines of that batch are lost and counted, the log says so once
/// per episode and again when writing recovers; the service goes on. A queue that is full (the disk
/// far slower than the traffic) loses the newest lines, counted the same way.</item>
/// </list>
/// </summary>
internal sealed class AuditLog : IAsyncDisposable
{
    public const int QueueCapacity = 16 * 1024;
    private const int MaxBatch = 512;

    private readonly string _path;
    private readonly Metrics _metrics;
    private readonly ILogger _log;
    private readonly Channel<AuditRecord> _queue;
    private readonly Task _writer;
    private readonly Lock _fileGate = new();
    private FileStream _file;
    private volatile bool _failing;
    private volatile bool _completing;

    private AuditLog(string path, FileStream file, Metrics metrics, ILogger log)
    {
        _path = path;
        _file = file;
        _metrics = metrics;
        _log = log;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing ever waits
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path => _path;

    /// <summary>Opens (creates) the file for appending; throws IOException / UnauthorizedAccessException when it cannot.</summary>
    public static AuditLog Open(string path, Metrics metrics, ILogger log) => new(path, OpenFile(path), metrics, log);

    /// <summary>Queues one record; never blocks. A full queue loses the record (counted).</summary>
    public void Write(AuditRecord record)
    {
        if (!_queue.Writer.TryWrite(record)) LoseLines(1, _completing ? "the log was closed" : "the queue is full");
    }

    /// <summary>Writes from now on go to <paramref name="fresh"/> (opened by <see cref="OpenFile"/> at the same path).</summary>
    public void UseFile(FileStream fresh)
    {
        // Under the lock the writer is not in the middle of a batch: the old file gets no half line.
        lock (_fileGate)
        {
            _file.Dispose();
            _file = fresh;
        }
    }

    /// <summary>Writes what is queued, flushes and closes the file. Records written after this are lost.</summary>
    public async Task CompleteAsync()
    {
        _completing = true;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        lock (_fileGate) _file.Dispose();
    }

    public async ValueTask DisposeAsync() => await CompleteAsync().ConfigureAwait(false);

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        ChannelReader<AuditRecord> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            int lines = 0;
            while (lines < MaxBatch && reader.TryRead(out AuditRecord? record))
            {
                try
                {
                    AuditJson.Write(buffer, record);
                    lines++;
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // A value the JSON writer refuses (invalid UTF-16 from a peer): that record only.
                    LoseLines(1, "a record could not be written as JSON: " + ex.Message);
                }
            }
            if (lines > 0) WriteBatch(buffer.WrittenSpan, lines);
        }
    }

    private void WriteBatch(ReadOnlySpan<byte> bytes, int lines)
    {
        try
        {
            lock (_fileGate)
            {
                _file.Write(bytes);
                _file.Flush();
            }
            _metrics.AuditLinesWritten(lines);
            if (_failing)
            {
                _failing = false;
                _log.LogWarning("audit log {Path}: writing again", _path);
                _metrics.AuditFailing(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            LoseLines(lines, ex.Message);
        }
    }

    private void LoseLines(int lines, string why)
    {
        _metrics.AuditLinesLost(lines);
        // A log a reload retired no longer speaks for the trail (its successor owns the failing gauge): a command
        // that ended just as the reload switched logs is counted as lost, and nothing else.
        if (_failing || _completing) return;
        _failing = true;
        _log.LogError("audit log {Path}: cannot write ({Reason}); {Lines} lines lost, more are counted in "
            + "websocketfy_audit_lines_lost_total; the service goes on", _path, why, lines);
        _metrics.AuditFailing(true);
    }

    /// <summary>Opens (creates) the file for appending; throws IOException / UnauthorizedAccessException.</summary>
    public static FileStream OpenFile(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // batches are written whole; no second buffer to lose at a crash
        };
        // A new file is readable by its owner and group only: it names who did what.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        return new FileStream(path, options);
    }
}
