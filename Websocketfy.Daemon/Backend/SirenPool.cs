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
    private bool _disposed;

    public SirenPool(GatewayOptions options, Metrics metrics, ILogger log)
    {
        _options = options;
        _metrics = metrics;
        _log = log;
        _slots = new SemaphoreSlim(options.SirenPoolSize, options.SirenPoolSize);
    }

    public int IdleCount { get { lock (_idle) return _idle.Count; } }

    /// <summary>A connection for one command, and whether it came from the pool (was used before).
    /// Throws <see cref="SirenUnavailableException"/> when a new one cannot be made.</summary>
    public async Task<(SirenConnection Connection, bool Reused)> AcquireAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (TryTakeIdle(out var idle))
            {
                if (idle.IsCleanWhileIdle()) return (idle, true);
                _log.LogDebug("Discarding a pooled SiREN connection that received bytes or EOF while idle");
                Close(idle, discarded: true);
            }
            var fresh = await SirenConnection.ConnectAsync(_options.SirenHost, _options.SirenPort,
                                                           _options.SirenConnectTimeout, ct).ConfigureAwait(false);
            _metrics.BackendOpened();
            return (fresh, false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives a connection back: into the pool when its last reply ended cleanly, else closed.</summary>
    public void Release(SirenConnection connection, bool reusable)
    {
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

    /// <summary>Opens one connection at start-up to tell the operator early whether SiREN answers.
    /// Failure is only a warning: the daemon serves files and answers SQL with "unavailable".</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        try
        {
            var (connection, _) = await AcquireAsync(ct).ConfigureAwait(false);
            Release(connection, reusable: true);
            _log.LogInformation("SiREN at {Host}:{Port} answers", _options.SirenHost, _options.SirenPort);
        }
        catch (SirenUnavailableException ex)
        {
            _log.LogWarning("SiREN at {Host}:{Port} is unavailable ({Detail}); SQL commands get the 'unavailable' reply until it answers",
                            _options.SirenHost, _options.SirenPort, ex.Message);
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
