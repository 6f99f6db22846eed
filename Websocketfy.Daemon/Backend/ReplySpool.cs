using System.Runtime.CompilerServices;
using System.Buffers;
using System.Threading.Tasks.Sources;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Backend;

/// <summary>Why a reply could not be relayed whole.</summary>
internal enum ReplyFailure { None, Unavailable, Silent, ClosedEarly, TooLarge, Cancelled }

/// <summary>
/// Decouples SiREN's speed from the client's: the backend side appends each read at once
/// (SiREN must never wait for us, it serves everyone on one thread), the client side takes
/// bytes when its socket can. Unread bytes stay in memory up to a bound, then go to a
/// temporary file that is deleted on dispose. One producer, one consumer.
/// </summary>
/// <remarks>The reader waits on the spool itself (<see cref="IValueTaskSource"/>, reset for every wait): a reader
/// waits once or twice per relayed query, and a TaskCompletionSource awaited with a token was a third of the
/// bytes a query allocated.</remarks>
internal sealed class ReplySpool : IDisposable, IValueTaskSource
{
    private readonly object _gate = new();
    private readonly int _memoryLimit;
    private readonly string _spoolDirectory;
    private readonly Metrics _metrics;
    private readonly Queue<(byte[] Array, int Length)> _memory = new();
    private int _headConsumed;
    private long _memoryUnread;
    private SafeFileHandle? _file;
    private long _fileWritten, _fileRead;
    private bool _complete;
    private ReplyFailure _failure;
    // The reader's wait: armed under _gate by the reader, completed once by whoever sets _readerWaiting back to false.
    // Continuations run synchronously: the reader goes on on the thread that appended (no hop to the pool per reply).
    private ManualResetValueTaskSourceCore<bool> _wait;
    private bool _readerWaiting;
    private bool _disposed;

    public ReplySpool(int memoryLimit, string spoolDirectory, Metrics metrics)
    {
        _memoryLimit = memoryLimit;
        _spoolDirectory = spoolDirectory;
        _metrics = metrics;
    }

    /// <summary>Total bytes appended (the reply's size so far).</summary>
    public long Appended { get; private set; }

    /// <summary>True once a temporary file was needed.</summary>
    public bool SpilledToDisk => _file is not null;

    /// <summary>True when appending <paramref name="length"/> more bytes would write them to the temporary file
    /// (a file-system call, which the caller keeps off the socket engine's threads).</summary>
    public bool WouldSpill(int length) => length > 0 && (_file is not null || _memoryUnread + length > _memoryLimit);

    /// <summary>Adds body bytes; <paramref name="final"/> marks the end of the reply in the same step,
    /// so a reader never sees the last bytes without knowing they are the last. A waiting reader runs inside
    /// this call until its next wait (typically: it sends the bytes to the client).</summary>
    public void Append(ReadOnlySpan<byte> bytes, bool final)
    {
        if (bytes.Length > 0)
        {
            // Once on disk, everything goes to disk: order is kept by having one place to read next.
            if (!WouldSpill(bytes.Length))
                AppendToMemory(bytes);
            else
                AppendToFile(bytes);
        }
        lock (_gate)
        {
            Appended += bytes.Length;
            if (final) _complete = true;
        }
        Wake();
    }

    public void Fail(ReplyFailure failure)
    {
        lock (_gate) { if (!_complete) _failure = failure; }
        Wake();
    }

    private void AppendToMemory(ReadOnlySpan<byte> bytes)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(array);
        lock (_gate)
        {
            _memory.Enqueue((array, bytes.Length));
            _memoryUnread += bytes.Length;
        }
    }

    private void AppendToFile(ReadOnlySpan<byte> bytes)
    {
        if (_file is null)
        {
            string path = Path.Combine(_spoolDirectory, $"websocketfy-spool-{Guid.NewGuid():N}.tmp");
            _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
                                    FileOptions.DeleteOnClose);
            _metrics.SpoolFileOpened();
        }
        RandomAccess.Write(_file, bytes, _fileWritten);
        lock (_gate) _fileWritten += bytes.Length;
    }

    /// <summary>Lets a waiting reader go on (outside the lock, so that it may take the lock at once).</summary>
    private void Wake()
    {
        if (TakeWaitingReader()) _wait.SetResult(true);
    }

    private static void WakeCancelled(object? state, CancellationToken ct)
    {
        var spool = (ReplySpool)state!;
        if (spool.TakeWaitingReader()) spool._wait.SetException(new OperationCanceledException(ct));
    }

    /// <summary>True for the one caller that is to complete the reader's current wait (an append or the
    /// reader's cancellation, whichever comes first).</summary>
    private bool TakeWaitingReader()
    {
        lock (_gate)
        {
            if (!_readerWaiting) return false;
            _readerWaiting = false;
            return true;
        }
    }

    void IValueTaskSource.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    /// <summary>Copies the next unread bytes into <paramref name="destination"/>. Waits while nothing is
    /// unread and the reply goes on. Returns 0 at the end of a complete reply, or of a failed one
    /// (see <see cref="Failure"/>): bytes received before a silence or a drop are still read,
    /// nothing more once the reply was too large or abandoned.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (true)
        {
            short version;
            lock (_gate)
            {
                // What SiREN sent before a silence or a drop still goes out (then the 1011 says why);
                // a reply that is too large or abandoned is not worth another byte.
                if (_failure is ReplyFailure.TooLarge or ReplyFailure.Cancelled) return 0;
                if (_memory.Count > 0) return ReadFromMemory(destination.Span);
                if (_fileRead < _fileWritten) break;
                if (_complete || _failure != ReplyFailure.None) return 0;
                ct.ThrowIfCancellationRequested();
                // The previous wait has been read (one reader), so the source can be used again.
                _wait.Reset();
                _readerWaiting = true;
                version = _wait.Version;
            }
            // A registration on the same token source reuses its node: nothing allocated per wait.
            using (ct.UnsafeRegister(WakeCancelled, this))
            {
                await new ValueTask(this, version).ConfigureAwait(false);
            }
        }
        // The reader may run on a socket engine thread (after its last frame went out): the disk read may not.
        await new ThreadPoolHop();
        long available;
        lock (_gate) available = _fileWritten - _fileRead;
        int n = RandomAccess.Read(_file!, destination.Span[..(int)Math.Min(destination.Length, available)], _fileRead);
        lock (_gate) _fileRead += n;
        return n;
    }

    // Called under _gate.
    private int ReadFromMemory(Span<byte> destination)
    {
        var (array, length) = _memory.Peek();
        int n = Math.Min(length - _headConsumed, destination.Length);
        array.AsSpan(_headConsumed, n).CopyTo(destination);
        _memoryUnread -= n;
        _headConsumed += n;
        if (_headConsumed == length)
        {
            _memory.Dequeue();
            _headConsumed = 0;
            ArrayPool<byte>.Shared.Return(array);
        }
        return n;
    }

    /// <summary>True when the reply ended with its prompt and every byte has been read.</summary>
    public bool IsComplete { get { lock (_gate) return _complete && _memory.Count == 0 && _fileRead == _fileWritten; } }

    public ReplyFailure Failure { get { lock (_gate) return _failure; } }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            while (_memory.Count > 0) ArrayPool<byte>.Shared.Return(_memory.Dequeue().Array);
        }
        if (_file is not null)
        {
            _file.Dispose();
            _metrics.SpoolFileClosed();
        }
    }
}
