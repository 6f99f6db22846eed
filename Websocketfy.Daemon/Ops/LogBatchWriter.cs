namespace Websocketfy.Daemon.Ops;

/// <summary>
/// Log lines, already formatted and encoded by the threads that log them, collected in a bounded buffer and
/// written to a stream (stderr) by one writer thread, many lines per write(2).
/// </summary>
/// <remarks>
/// <para>Why: a hand-off per line (a queue, a wake-up of a logger thread, one write per line) cost more CPU per
/// relayed query than the relay itself (bench/PROFILE.md). Here a line is a copy into the buffer under a lock;
/// only the first line after the writer went idle wakes it, and the writer then lingers for <see cref="Linger"/>
/// (or until <see cref="BatchBytes"/> are waiting) so the lines that follow share its one write.</para>
/// <para>A line marked urgent (warnings and above, see <see cref="StderrLoggerProvider"/>) ends the linger at once.
/// <see cref="Flush"/> waits until everything appended so far has been written (shutdown, exit paths).</para>
/// <para>When stderr stalls (a pipe nobody reads, a journald that does not keep up), the pending lines are bounded
/// by <see cref="Capacity"/>: a line that does not fit is dropped and counted, never waited for, so a stalled
/// log cannot stop the daemon serving clients, and memory stays bounded. The count is reported by
/// <c>dropped</c> once the writer has written again (as a warning line of the same format).</para>
/// </remarks>
internal sealed class LogBatchWriter : IDisposable
{
    /// <summary>How long the writer collects lines after the first one wakes it, before it writes them.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(20);

    /// <summary>Waiting lines of this many bytes end the linger early: one write of this size is plenty.</summary>
    public const int BatchBytes = 64 * 1024;

    /// <summary>The most bytes waiting to be written; lines beyond it are dropped and counted.</summary>
    public const int Capacity = 256 * 1024;

    /// <summary>How long <see cref="Dispose"/> and exit paths wait for a stalled stderr before giving up.</summary>
    public static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private const int InitialBuffer = 16 * 1024;

    private readonly Stream _output;
    private readonly TimeSpan _linger;
    private readonly Action<long> _dropped;
    private readonly Thread _thread;
    private readonly object _gate = new(); // a monitor: the writer and Flush wait on it

    // Lines append to _pending; the writer swaps it with _writingBuffer (written, so free) and writes outside the lock.
    private byte[] _pending = new byte[InitialBuffer];
    private byte[] _writingBuffer = new byte[InitialBuffer];
    private int _pendingBytes;
    private long _appended;   // lines appended (dropped ones not counted)
    private long _written;    // lines written (or given up on because the stream failed)
    private long _droppedLines;
    private long _droppedTotal; // written under the lock, read without it (/metrics)
    private bool _urgent;
    private bool _closing;
    private bool _writerWaiting;

    /// <param name="output">Where the lines go (stderr); written by the writer thread only.</param>
    /// <param name="dropped">Called on the writer thread, outside the lock, with how many lines were dropped since
    /// the last call, after a write; it may append (a notice) itself.</param>
    /// <param name="linger"><see cref="Linger"/> unless told otherwise (tests: <see cref="Timeout.InfiniteTimeSpan"/>,
    /// so only urgency, size or a flush can end it).</param>
    public LogBatchWriter(Stream output, Action<long> dropped, TimeSpan? linger = null)
    {
        _output = output;
        _linger = linger ?? Linger;
        _dropped = dropped;
        // A background thread: a write blocked on a stalled stderr must not keep the process from exiting.
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "log writer" };
        _thread.Start();
    }

    /// <summary>Lines dropped because the buffer was full, since start.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Bytes appended and not yet handed to the stream (at most <see cref="Capacity"/>).</summary>
    public int PendingBytes { get { lock (_gate) return _pendingBytes; } }

    /// <summary>Appends one or more whole lines (UTF-8, each ending in a newline).</summary>
    /// <param name="urgent">Write without lingering (a warning, an error).</param>
    public void Append(ReadOnlySpan<byte> lines, bool urgent)
    {
        lock (_gate)
        {
            int needed = _pendingBytes + lines.Length;
            if (needed > Capacity)
            {
                _droppedLines++;
                Interlocked.Increment(ref _droppedTotal);
                return;
            }
            if (needed > _pending.Length) Array.Resize(ref _pending, Math.Min(Capacity, Math.Max(needed, _pending.Length * 2)));
            lines.CopyTo(_pending.AsSpan(_pendingBytes));
            bool wasEmpty = _pendingBytes == 0;
            _pendingBytes = needed;
            _appended++;
            if (urgent) _urgent = true;
            // The writer waits either idle (nothing pending: the first line wakes it) or lingering (only an
            // urgent line or a full batch wakes it). Pulsing a monitor nobody waits on costs no system call.
            if (_writerWaiting && (wasEmpty || urgent || needed >= BatchBytes)) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Writes what is pending now and waits until it is written, at most <paramref name="timeout"/>
    /// (stderr may be stalled). True when everything appended before the call was written.</summary>
    public bool Flush(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            long target = _appended;
            if (_written >= target) return true;
            _urgent = true;
            if (_writerWaiting) Monitor.PulseAll(_gate);
            while (_written < target)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || !_thread.IsAlive) return false;
                Monitor.Wait(_gate, (int)left);
            }
            return true;
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            byte[] batch;
            int bytes;
            long lines, dropped;
            lock (_gate)
            {
                while (_pendingBytes == 0 && !_closing) WaitForWork(Timeout.Infinite);
                if (_pendingBytes == 0 && _closing) return;
                bool forever = _linger == Timeout.InfiniteTimeSpan;
                long lingerEnd = Environment.TickCount64 + (long)_linger.TotalMilliseconds;
                while (!_urgent && !_closing && _pendingBytes < BatchBytes)
                {
                    long left = lingerEnd - Environment.TickCount64;
                    if (!forever && left <= 0) break;
                    WaitForWork(forever ? Timeout.Infinite : (int)left);
                }
                (batch, _pending, _writingBuffer) = (_pending, _writingBuffer, _pending);
                bytes = _pendingBytes;
                lines = _appended;
                dropped = _droppedLines;
                _pendingBytes = 0;
                _droppedLines = 0;
                _urgent = false;
            }

            try
            {
                _output.Write(batch, 0, bytes);
                _output.Flush();
            }
            catch (IOException)
            {
                // stderr is gone (closed, a full disk): there is nowhere to say so; the lines are lost, the daemon goes on.
            }
            catch (ObjectDisposedException)
            {
            }

            lock (_gate)
            {
                _written = lines;
                // A buffer that a stall grew past what a steady load needs (a batch of BatchBytes and the line that
                // ended it) goes back to its initial size once written, so a stall does not hold memory for good.
                if (batch.Length > 2 * BatchBytes) _writingBuffer = new byte[InitialBuffer];
                Monitor.PulseAll(_gate); // Flush waiters
            }
            if (dropped > 0) _dropped(dropped);
        }
    }

    private void WaitForWork(int milliseconds)
    {
        _writerWaiting = true;
        Monitor.Wait(_gate, milliseconds);
        _writerWaiting = false;
    }

    /// <summary>Writes what is pending (waiting at most <see cref="ExitWait"/>) and ends the writer thread.</summary>
    public void Dispose()
    {
        bool written = Flush(ExitWait);
        lock (_gate)
        {
            _closing = true;
            Monitor.PulseAll(_gate);
        }
        // A writer stuck in a write to a stalled stderr stays stuck: it is a background thread, the exit goes on.
        if (written) _thread.Join(ExitWait);
    }
}
