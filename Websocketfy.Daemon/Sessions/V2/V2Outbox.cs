using System.Buffers;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// The one writer of a v2 connection's data messages, and its scheduler. Text messages (starts and final
/// messages) go first, in the order posted; between them, the transfers in flight take turns, one chunk
/// each, round-robin. So a query's reply waits behind at most the chunk being written, and N downloads
/// share the link evenly. One buffer of one chunk serves every transfer, taken while the connection has
/// work and given back when it goes idle.
/// </summary>
internal sealed class V2Outbox(FrameSender sender, IV2Host host, V2Metrics metrics, int chunkSize, int answerRoom)
{
    private readonly Lock _gate = new();
    private readonly Queue<V2Message> _messages = new();
    private readonly LinkedList<V2Transfer> _ring = new();
    private readonly SemaphoreSlim _answerRoom = new(answerRoom, answerRoom);
    private readonly HashSet<V2Message> _answers = [];
    private TaskCompletionSource? _wake;
    private bool _closed;
    private byte[]? _buffer;
    // Chunks written so far: a message's wait is counted in chunks written between its queueing and its writing.
    private long _chunksWritten;

    private int BufferSize => V2Transfer.HeaderRoom + ChunkPrefix.Length + chunkSize;

    /// <summary>Queues a message; false (the caller frees it) once the connection's writing has ended.</summary>
    public bool Post(V2Message message)
    {
        lock (_gate)
        {
            if (_closed) return false;
            EnqueueLocked(message);
            return true;
        }
    }

    /// <summary>Queues an answer the dispatcher gives at once (errors, cancel answers). Waits while
    /// <c>answerRoom</c> of them are unwritten: a client that sends requests but reads nothing stalls its
    /// own dispatcher, then its receive queue fills, and the connection closes with 1008.</summary>
    public async ValueTask PostAnswerAsync(V2Message message, CancellationToken ct)
    {
        try { await _answerRoom.WaitAsync(ct).ConfigureAwait(false); }
        catch { message.Dispose(); throw; }
        lock (_gate) _answers.Add(message);
        if (!Post(message)) Release(message);
    }

    /// <summary>Queues a get's start message unless the get was cancelled already (a start must never
    /// follow the final message of its request).</summary>
    public void PostStart(V2StartMessage start, V2Work work)
    {
        lock (_gate)
        {
            if (!_closed && !work.IsFinished)
            {
                EnqueueLocked(start);
                return;
            }
        }
        start.Dispose();
    }

    /// <summary>A cancel: the target's transfer leaves the ring, then its final message and the cancel's
    /// answer are queued, in that order, in one step.</summary>
    public void PostCancel(V2Work target, V2Message targetFinal, V2Message answer)
    {
        V2Transfer? removed = null;
        bool posted = false;
        lock (_gate)
        {
            for (var node = _ring.First; node is not null; node = node.Next)
            {
                if (node.Value.Work != target) continue;
                removed = node.Value;
                _ring.Remove(node);
                break;
            }
            if (!_closed)
            {
                EnqueueLocked(targetFinal);
                EnqueueLocked(answer);
                posted = true;
            }
        }
        removed?.Dispose();
        if (!posted)
        {
            targetFinal.Dispose();
            answer.Dispose();
        }
    }

    /// <summary>Called by a start message once written: the transfer joins the round-robin.</summary>
    public void Activate(V2Transfer transfer)
    {
        lock (_gate)
        {
            if (!_closed && !transfer.IsFinished)
            {
                _ring.AddLast(transfer);
                WakeLocked();
                return;
            }
        }
        transfer.Dispose();
    }

    /// <summary>Writes until the connection ends; reports a failed write to the host (which drops the connection).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                V2Message? message = null;
                V2Transfer? transfer = null;
                Task? idle = null;
                lock (_gate)
                {
                    if (_messages.TryDequeue(out message)) { }
                    else if (_ring.First is { } first)
                    {
                        transfer = first.Value;
                        _ring.RemoveFirst();
                    }
                    else
                    {
                        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        idle = _wake.Task;
                    }
                }
                if (idle is not null)
                {
                    ReturnBuffer();
                    await idle.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }
                _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
                if (message is not null)
                {
                    try
                    {
                        await message.WriteAsync(sender, _buffer, ct).ConfigureAwait(false);
                        metrics.MessageWaited(_chunksWritten - message.QueuedAtChunk);
                        message.OnWritten();
                    }
                    finally { Release(message); }
                    continue;
                }
                bool more;
                long sentBefore = transfer!.ChunksSent;
                try { more = await transfer.SendNextAsync(sender, _buffer, chunkSize, ct).ConfigureAwait(false); }
                catch { transfer.Dispose(); throw; }
                Interlocked.Add(ref _chunksWritten, transfer.ChunksSent - sentBefore);
                if (!more) { transfer.Dispose(); continue; }
                lock (_gate)
                {
                    if (!_closed && !transfer.IsFinished) { _ring.AddLast(transfer); transfer = null; }
                }
                transfer?.Dispose();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (ConnectionClosingException) { }
        catch (FileChangedException)
        {
            // Inside a frame whose length is on the wire: only dropping TCP keeps a wrong message from completing.
            host.Abort("file changed while being sent");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
        {
            host.Abort(ex is OperationCanceledException ? "send timeout" : "send failed");
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Ends writing: whatever is still queued is freed without being sent.</summary>
    private void Close()
    {
        List<V2Message> messages;
        List<V2Transfer> transfers;
        lock (_gate)
        {
            _closed = true;
            messages = [.. _messages];
            transfers = [.. _ring];
            _messages.Clear();
            _ring.Clear();
        }
        foreach (var message in messages) Release(message);
        foreach (var transfer in transfers) transfer.Dispose();
        ReturnBuffer();
    }

    private void Release(V2Message message)
    {
        message.Dispose();
        bool wasAnswer;
        lock (_gate) wasAnswer = _answers.Remove(message);
        if (wasAnswer) _answerRoom.Release();
    }

    private void ReturnBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    // Under _gate.
    private void EnqueueLocked(V2Message message)
    {
        message.QueuedAtChunk = Interlocked.Read(ref _chunksWritten);
        _messages.Enqueue(message);
        WakeLocked();
    }

    // Under _gate.
    private void WakeLocked()
    {
        _wake?.TrySetResult();
        _wake = null;
    }
}
