namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// A classic connection's commands received and not yet answered, in order, at most max-queued-commands of them,
/// and whether a command loop is answering them. No loop waits on an empty queue: the receive loop starts one when
/// a command arrives and none is running, and the loop ends once it has emptied the queue. So an idle connection
/// keeps no waiting loop (nor the queue, until its first command), which is most of what 10,000 idle
/// connections would otherwise hold.
/// </summary>
internal sealed class CommandQueue(int limit)
{
    private readonly Queue<ClientMessage> _queue = new();
    /// <summary>A loop is running and takes what is added: none may be started.</summary>
    private bool _served;

    /// <summary>Commands waiting (the one being answered is not counted).</summary>
    public int Count { get { lock (_queue) return _queue.Count; } }

    /// <summary>Adds a received command; false, keeping nothing, when <c>limit</c> commands wait already.
    /// <paramref name="startLoop"/>: no loop answers the queue, the caller must start one.</summary>
    public bool TryAdd(ClientMessage message, out bool startLoop)
    {
        lock (_queue)
        {
            startLoop = false;
            if (_queue.Count >= limit) return false;
            _queue.Enqueue(message);
            startLoop = !_served;
            _served = true;
            return true;
        }
    }

    /// <summary>The next command for the running loop; false when there is none, and then the loop must end
    /// (the next command starts another). A loop that ends early (the connection closes) need not say so:
    /// nothing is answered after that, and the teardown releases what is left.</summary>
    public bool TryTakeOrEnd(out ClientMessage message)
    {
        lock (_queue)
        {
            if (_queue.TryDequeue(out message)) return true;
            _served = false;
            return false;
        }
    }

    /// <summary>At the teardown, once no loop runs: the buffers of the commands never answered go back.</summary>
    public void ReleaseAll()
    {
        lock (_queue)
        {
            while (_queue.TryDequeue(out var message)) message.Release();
        }
    }
}
