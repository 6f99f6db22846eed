using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Backend;

/// <summary>
/// Pooled SiREN connections. SiREN sessions keep no state between commands, so a connection
/// whose prompt has arrived can serve any client next. At most siren-pool-size exist at once;
/// commands beyond that wait for one. A connection that misbehaved is discarded, never reused.
/// Every connection attempt is reported to <see cref="SirenHealth"/>.
/// </summary>
internal sealed class SirenPool : IDisposable
{
    private readonly GatewayOptions _options;
    private readonly Metrics _metrics;
    private readonly SirenHealth _health;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<SirenConnection> _idle = new();
    private int _busy, _waiting;
    private bool _disposed;

    /// <param name="health">Where observations of SiREN go; a new one when not given.</param>
    public SirenPool(GatewayOptions options, Metrics metrics, ILogger log, SirenHealth? health = null)
    {
        _options = options;
        _metrics = metrics;
        _health = health ?? new SirenHealth();
        _log = log;
        _slots = new SemaphoreSlim(options.SirenPoolSize, options.SirenPoolSize);
    }

    /// <summary>Whether SiREN answers, as this pool and the relays using it have observed.</summary>
    public SirenHealth Health => _health;

    public Metrics Metrics => _metrics;

    public int IdleCount { get { lock (_idle) return _idle.Count; } }

    /// <summary>Connections handed out for a command and not yet given back.</summary>
    public int BusyCount => Volatile.Read(ref _busy);

    /// <summary>Commands waiting because every slot (siren-pool-size) is taken.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

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
            var (connection, reused) = await TakeOrConnectAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _busy);
            return (connection, reused);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private async Task<(SirenConnection Connection, bool Reused)> TakeOrConnectAsync(CancellationToken ct)
    {
        while (TryTakeIdle(out var idle))
        {
            if (idle.IsCleanWhileIdle()) return (idle, true);
            _log.LogDebug("Discarding a pooled SiREN connection that received bytes or EOF while idle");
            Close(idle, discarded: true);
        }
        return (await ConnectAsync(ct).ConfigureAwait(false), false);
    }

    private async Task<SirenConnection> ConnectAsync(CancellationToken ct)
    {
        try
        {
            var fresh = await SirenConnection.ConnectAsync(_options.SirenHost, _options.SirenPort,
                                                           _options.SirenConnectTimeout, ct).ConfigureAwait(false);
            _metrics.BackendOpened();
            _health.Succeeded();
            return fresh;
        }
        catch (SirenUnavailableException ex)
        {
            _health.Failed(ex.Message);
            throw;
        }
    }

    /// <summary>Gives a connection back: into the pool when its last reply ended cleanly, else closed.</summary>
    public void Release(SirenConnection connection, bool reusable)
    {
        Interlocked.Decrement(ref _busy);
        Return(connection, reusable);
        _slots.Release();
    }

    private void Return(SirenConnection connection, bool reusable)
    {
        bool pooled = false;
        if (reusable)
        {
            lock (_idle)
            {
                if (!_disposed && _idle.Count < _options.SirenPoolSize)
                {
                    _idle.Push(connection);
                    pooled = true;
                }
            }
        }
        if (!pooled) Close(connection, discarded: !reusable);
    }

    /// <summary>
    /// Checks SiREN without a client command: an idle pooled connection that is still open counts as up
    /// (nothing is sent to SiREN); otherwise, or when <paramref name="fresh"/>, a new connection must get its
    /// greeting within siren-connect-timeout. Skipped when every slot is busy: those commands will tell.
    /// The outcome goes to <see cref="SirenHealth"/>, which logs changes.
    /// </summary>
    public async Task CheckAsync(bool fresh, CancellationToken ct)
    {
        if (!_slots.Wait(0)) return;
        try
        {
            SirenConnection? connection = null;
            if (!fresh)
            {
                while (connection is null && TryTakeIdle(out var idle))
                {
                    if (idle.IsCleanWhileIdle()) connection = idle;
                    else Close(idle, discarded: true);
                }
                if (connection is not null) _health.Succeeded();
            }
            connection ??= await ConnectAsync(ct).ConfigureAwait(false);
            Return(connection, reusable: true);
        }
        catch (SirenUnavailableException) { }
        catch (OperationCanceledException) { }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// The start-up check, then a check whenever SiREN has not been observed for <paramref name="interval"/>
    /// (zero: the start-up check only). While SiREN is up the check looks at an idle connection; while it is
    /// down (or not known yet) it needs a new connection's greeting, since a pooled one proves nothing then.
    /// </summary>
    public async Task WatchAsync(TimeSpan interval, CancellationToken ct)
    {
        await CheckAsync(fresh: true, ct).ConfigureAwait(false);
        if (interval <= TimeSpan.Zero) return;
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                // Traffic in the last half interval has told us already.
                if (_health.SinceLastObservation < interval / 2) continue;
                await CheckAsync(fresh: _health.State != SirenState.Up, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
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
