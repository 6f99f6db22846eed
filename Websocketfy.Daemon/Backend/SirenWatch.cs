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
internal sealed class SirenWatch(SirenPool pool, SirenHealth health, LiveOptions live)
{
    /// <summary>The start-up check, then the periodic ones. The interval is read each round, so a reload
    /// changes it (zero: only client commands tell, checked again every second in case a reload sets one).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await CheckAsync(ct).ConfigureAwait(false);
            while (true)
            {
                TimeSpan interval = live.Current.SirenProbeInterval;
                await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                // Off, or traffic in the last half interval has told us already.
                if (interval <= TimeSpan.Zero || health.SinceLastObservation < interval / 2) continue;
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
                GatewayOptions options = pool.Options;
                using var fresh = await SirenConnection.ConnectAsync(options.SirenHost, options.SirenPort,
                                                                     options.SirenConnectTimeout, ct).ConfigureAwait(false);
            }
            health.Succeeded();
        }
        catch (SirenUnavailableException ex) when (!ex.PoolSaturated)
        {
            health.Failed(ex.Message);
        }
        catch (SirenUnavailableException) { }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
