using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Backend;

/// <summary>
/// Pooled SiREN connections. SiREN sessions keep no state between commands, so a connection
/// whose prompt has arrived can serve any client next. At most siren-pool-size are busy at once;
/// commands beyond that wait for one, at most siren-connect-timeout. A connection that misbehaved
/// is discarded, never reused.
/// </summary>
/// <remarks>
/// A reload may change the address or the size (<see cref="Reconfigure"/>). A new address starts a new
/// generation: idle connections close at once, busy ones finish their command and close when released,
/// and every connection made from then on goes to the new address. A smaller size takes effect as busy
/// connections come back; a larger one lets waiting commands in at once.
/// </remarks>
internal sealed class SirenPool : IDisposable
{
    private readonly Metrics _metrics;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Stack<SirenConnection> _idle = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private volatile GatewayOptions _options;
    private int _generation;
    private int _busy;
    private bool _disposed;

    public SirenPool(GatewayOptions options, Metrics metrics, ILogger log)
    {
        _options = options;
        _metrics = metrics;
        _log = log;
    }

    /// <summary>Connections open and waiting in the pool for a command.</summary>
    public int IdleCount { get { lock (_gate) return _idle.Count; } }

    /// <summary>Slots in use: connections carrying a command, or being opened for one.</summary>
    public int BusyCount { get { lock (_gate) return _busy; } }

    /// <summary>Commands waiting for a slot because every one is busy.</summary>
    public int WaitingCount { get { lock (_gate) return _waiting.Count; } }

    /// <summary>The SiREN settings in force (a reload may change the address).</summary>
    public GatewayOptions Options => _options;

    public Metrics Metrics => _metrics;

    /// <summary>A connection for one command, and whether it came from the pool (was used before).
    /// Throws <see cref="SirenUnavailableException"/> when no slot frees up within siren-connect-timeout
    /// or a new connection cannot be made.</summary>
    // ValueTask: an idle connection is the usual case, and then nothing is allocated.
    public async ValueTask<(SirenConnection Connection, bool Reused)> AcquireAsync(CancellationToken ct)
    {
        GatewayOptions options = _options;
        await TakeSlotAsync(options, ct).ConfigureAwait(false);
        try
        {
            while (TryTakeIdle(out var idle))
            {
                if (idle.IsCleanWhileIdle()) return (idle, true);
                _log.LogDebug("Discarding a pooled SiREN connection that received bytes or EOF while idle");
                Close(idle, discarded: true);
            }
            int generation;
            lock (_gate)
            {
                options = _options;
                generation = _generation;
            }
            var fresh = await SirenConnection.ConnectAsync(options.SirenHost, options.SirenPort,
                                                           options.SirenConnectTimeout, ct).ConfigureAwait(false);
            fresh.PoolGeneration = generation;
            _metrics.BackendOpened();
            return (fresh, false);
        }
        catch
        {
            ReleaseSlot();
            throw;
        }
    }

    private async Task TakeSlotAsync(GatewayOptions options, CancellationToken ct)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_busy < _options.SirenPoolSize && _waiting.Count == 0)
            {
                _busy++;
                return;
            }
            // Continuations run synchronously: the command goes on on the thread that freed its slot (see Grant).
            node = _waiting.AddLast(new TaskCompletionSource());
        }
        try
        {
            await node.Value.Task.WaitAsync(options.SirenConnectTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                // Granted in the same instant the wait ended: the slot is ours after all.
                if (node.List is null) return;
                _waiting.Remove(node);
            }
            if (ex is OperationCanceledException) throw;
            throw new SirenUnavailableException(
                $"all {options.SirenPoolSize} pooled connections stayed busy for {options.SirenConnectTimeout.TotalSeconds:0.###} s")
            { PoolSaturated = true };
        }
    }

    private void ReleaseSlot()
    {
        TaskCompletionSource? granted;
        lock (_gate)
        {
            _busy--;
            granted = TakeNextGrantLocked();
        }
        if (granted is not null) Grant(granted);
    }

    /// <summary>Gives a free slot to the oldest waiting command, or returns null. Only under the lock: a waiter
    /// still in the list has not been granted, which is how a timed-out waiter knows whether it lost the race.
    /// The caller completes the returned waiter with <see cref="Grant"/> once it has left the lock.</summary>
    private TaskCompletionSource? TakeNextGrantLocked()
    {
        if (_busy >= _options.SirenPoolSize || _waiting.First is not { } next) return null;
        _waiting.RemoveFirst();
        _busy++;
        return next.Value;
    }

    /// <summary>True while this thread runs a granted command inline (see <see cref="Grant"/>).</summary>
    [ThreadStatic] private static bool t_granting;

    /// <summary>Lets a waiting command go on. It runs here, on the thread that freed the slot, until its first
    /// real wait (usually SiREN's reply): a hop to the thread pool per waiting command cost a quarter of the
    /// relay's CPU when every connection was busy (bench/PROFILE.md). If that command also ends at once and
    /// frees a slot, the next grant goes to the pool instead, so a chain of instant commands cannot grow the stack.</summary>
    private static void Grant(TaskCompletionSource waiter)
    {
        if (t_granting)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static next => Grant(next), waiter, preferLocal: false);
            return;
        }
        t_granting = true;
        try
        {
            waiter.SetResult();
        }
        finally
        {
            t_granting = false;
        }
    }

    /// <summary>Gives a connection back: into the pool when its last reply ended cleanly and it still
    /// belongs to the current address, else closed.</summary>
    public void Release(SirenConnection connection, bool reusable)
    {
        bool pooled = false;
        lock (_gate)
        {
            if (reusable && !_disposed && connection.PoolGeneration == _generation && _idle.Count < _options.SirenPoolSize)
            {
                _idle.Push(connection);
                pooled = true;
            }
        }
        if (!pooled) Close(connection, discarded: !reusable);
        ReleaseSlot();
    }

    /// <summary>Takes a reload's SiREN settings. Returns true when the address changed (the old
    /// connections are being drained; the caller may probe the new address).</summary>
    public bool Reconfigure(GatewayOptions next)
    {
        var retired = new List<SirenConnection>();
        var granted = new List<TaskCompletionSource>();
        bool moved;
        lock (_gate)
        {
            GatewayOptions was = _options;
            moved = was.SirenHost != next.SirenHost || was.SirenPort != next.SirenPort;
            _options = next;
            if (moved)
            {
                _generation++;
                retired.AddRange(_idle);
                _idle.Clear();
            }
            while (_idle.Count > next.SirenPoolSize) retired.Add(_idle.Pop());
            // A larger pool frees slots for commands that wait.
            while (TakeNextGrantLocked() is { } waiter) granted.Add(waiter);
        }
        foreach (var connection in retired) Close(connection, discarded: false);
        foreach (var waiter in granted) Grant(waiter);
        if (moved)
            _log.LogInformation("SiREN address now {Host}:{Port}: {Closed} idle connections to the old address closed, busy ones close after their command",
                                next.SirenHost, next.SirenPort, retired.Count);
        return moved;
    }

    private bool TryTakeIdle(out SirenConnection connection)
    {
        lock (_gate) return _idle.TryPop(out connection!);
    }

    private void Close(SirenConnection connection, bool discarded)
    {
        connection.Dispose();
        _metrics.BackendClosed(discarded);
    }

    public void Dispose()
    {
        List<SirenConnection> idle;
        lock (_gate)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var connection in idle) Close(connection, discarded: false);
    }
}
