using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Backend;

/// <summary>
/// Checks SiREN when client traffic does not: once at start-up (to tell the operator early), then whenever
/// SiREN has not been observed for siren-probe-interval. While SiREN is up (or not known yet), the check goes
/// through the pool when it is idle: an idle pooled connection still open counts as up and nothing is sent to
/// SiREN; with none pooled, a new one is opened and kept (at start-up this warms the pool). While SiREN is down
/// a pooled connection proves nothing (a hung SiREN keeps its sockets open), so the check opens a connection of
/// its own, waits for the greeting and closes it. Outcomes go to <see cref="SirenHealth"/>.
/// </summary>
internal sealed class SirenWatch(SirenPool pool, SirenHealth health, GatewayOptions options)
{
    public async Task RunAsync(CancellationToken ct)
    {
        TimeSpan interval = options.SirenProbeInterval;
        try
        {
            await CheckAsync(ct).ConfigureAwait(false);
            if (interval <= TimeSpan.Zero) return;
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                // Traffic in the last half interval has told us already.
                if (health.SinceLastObservation < interval / 2) continue;
                await CheckAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One check, its outcome recorded.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        try
        {
            if (health.State != SirenState.Down)
            {
                // Only when nothing waits or works: the check must never hold a slot a command needs.
                if (pool.BusyCount > 0 || pool.WaitingCount > 0) return;
                var (connection, _) = await pool.AcquireAsync(ct).ConfigureAwait(false);
                pool.Release(connection, reusable: true);
            }
            else
            {
                using var fresh = await SirenConnection.ConnectAsync(options.SirenHost, options.SirenPort,
                                                                     options.SirenConnectTimeout, ct).ConfigureAwait(false);
            }
            health.Succeeded();
        }
        catch (SirenUnavailableException ex)
        {
            health.Failed(ex.Message);
        }
    }
}
