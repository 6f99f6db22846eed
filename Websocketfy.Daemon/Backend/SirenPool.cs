using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Backend;

/// <summary>
/// Pooled SiREN connections. SiREN sessions keep no state between commands, so a connection
/// whose prompt has arrived can serve any client next. At most siren-pool-size exist at once;
/// commands beyond that wait for one. A connection that misbehaved is discarded, never reused.
/// </summary>
internal sealed class SirenPool : IDisposable
{
    private readonly GatewayOptions _options;
    private readonly Metrics _metrics;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<SirenConnection> _idle = new();
    private int _busy, _waiting;
    private bool _disposed;

    public SirenPool(GatewayOptions options, Metrics metrics, ILogger log)
    {
        _options = options;
        _metrics = metrics;
        _log = log;
        _slots = new SemaphoreSlim(options.SirenPoolSize, options.SirenPoolSize);
    }

    public int IdleCount { get { lock (_idle) return _idle.Count; } }

    /// <summary>Connections handed out for a command and not yet given back.</summary>
    public int BusyCount => Volatile.Read(ref _busy);

    /// <summary>Commands waiting because every slot (siren-pool-size) is taken.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    public Metrics Metrics => _metrics;

    /// <summary>A connection for one command, and whether it came from the pool (was used before).
    /// Throws <see cref="SirenUnavailableException"/> when a new one cannot be made.</summary>
    public async Task<(SirenConnection Connection, bool Reused)> AcquireAsync(CancellationToken ct)
    {
        if (!_slots.Wait(0))
        {
            Interlocked.Increment(ref _waiting);
            try { await _slots.WaitAsync(ct).ConfigureAwait(false); }
            finally { Interlocked.Decrement(ref _waiting); }
        }
        try
        {
            while (TryTakeIdle(out var idle))
            {
                if (idle.IsCleanWhileIdle()) return (Busy(idle), true);
                _log.LogDebug("Discarding a pooled SiREN connection that received bytes or EOF while idle");
                Close(idle, discarded: true);
            }
            var fresh = await SirenConnection.ConnectAsync(_options.SirenHost, _options.SirenPort,
                                                           _options.SirenConnectTimeout, ct).ConfigureAwait(false);
            _metrics.BackendOpened();
            return (Busy(fresh), false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private SirenConnection Busy(SirenConnection connection)
    {
        Interlocked.Increment(ref _busy);
        return connection;
    }

    /// <summary>Gives a connection back: into the pool when its last reply ended cleanly, else closed.</summary>
    public void Release(SirenConnection connection, bool reusable)
    {
        Interlocked.Decrement(ref _busy);
        bool pooled = false;
        if (reusable)
        {
            lock (_idle)
            {
                if (!_disposed)
                {
                    _idle.Push(connection);
                    pooled = true;
                }
            }
        }
        if (!pooled) Close(connection, discarded: !reusable);
        _slots.Release();
    }

    private bool TryTakeIdle(out SirenConnection connection)
    {
        lock (_idle) return _idle.TryPop(out connection!);
    }

    private void Close(SirenConnection connection, bool discarded)
    {
        connection.Dispose();
        _metrics.BackendClosed(discarded);
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var connection)) Close(connection, discarded: false);
        }
    }
}
