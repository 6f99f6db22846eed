using System.Runtime.CompilerServices;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Backend;

/// <summary>Runs one SQL command against SiREN through the pool and fills a reply spool,
/// ending it with completion or with the failure the client must be told.</summary>
/// <param name="health">Where what the relay learns about SiREN goes (every command is a check).</param>
internal sealed class SirenRelay(SirenPool pool, LiveOptions live, ILogger log, SirenHealth? health = null)
{
    private readonly SirenHealth _health = health ?? new SirenHealth();

    // Runs once per SQL command: the state machine comes from a pool instead of a new allocation each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RelayAsync(ReadOnlyMemory<byte> command, ReplySpool spool, CancellationToken ct)
    {
        GatewayOptions options = live.Current;
        // A pooled connection may have died after the idle check; the command was not written,
        // so a second try on a fresh connection is safe and the client never sees the fault.
        for (int attempt = 0; ; attempt++)
        {
            SirenConnection connection;
            bool reused;
            try
            {
                (connection, reused) = await pool.AcquireAsync(ct).ConfigureAwait(false);
            }
            catch (SirenUnavailableException ex)
            {
                // Every connection busy for siren-connect-timeout says the pool is too small or SiREN slow, not
                // that it is down (the busy ones are working): /metrics shows it as commands waiting.
                if (!ex.PoolSaturated) _health.Failed(ex.Message);
                log.LogWarning("SiREN unavailable: {Detail}", ex.Message);
                spool.Fail(ReplyFailure.Unavailable);
                return;
            }
            catch (OperationCanceledException)
            {
                spool.Fail(ReplyFailure.Cancelled);
                return;
            }

            long started = Stopwatch.GetTimestamp();
            var outcome = await connection.RelayAsync(command, spool, options.SirenTimeout, options.MaxReplySize, ct).ConfigureAwait(false);
            pool.Release(connection, reusable: outcome == RelayOutcome.Complete);
            if (outcome == RelayOutcome.WriteFailed && reused && attempt == 0) continue;
            Observe(outcome, Stopwatch.GetElapsedTime(started), options.SirenTimeout);
            if (outcome != RelayOutcome.Complete)
            {
                log.LogDebug("SiREN relay ended with {Outcome}; connection discarded", outcome);
                spool.Fail(outcome switch
                {
                    RelayOutcome.Silent => ReplyFailure.Silent,
                    RelayOutcome.TooLarge => ReplyFailure.TooLarge,
                    RelayOutcome.Cancelled => ReplyFailure.Cancelled,
                    _ => ReplyFailure.ClosedEarly,
                });
            }
            return;
        }
    }

    /// <summary>What the outcome says about SiREN: a complete reply is a latency sample and proof it is up;
    /// silence, a close mid-reply or a failed write mean it is down. A reply too large or a client gone says nothing.</summary>
    private void Observe(RelayOutcome outcome, TimeSpan elapsed, TimeSpan silenceTimeout)
    {
        switch (outcome)
        {
            case RelayOutcome.Complete:
                pool.Metrics.SirenReplied(elapsed);
                _health.Succeeded();
                break;
            case RelayOutcome.Silent:
                _health.Failed($"did not answer within {silenceTimeout.TotalSeconds:0.###} s");
                break;
            case RelayOutcome.ClosedEarly:
                _health.Failed("closed the connection before the reply was complete");
                break;
            case RelayOutcome.WriteFailed:
                _health.Failed("the connection failed while the command was being sent");
                break;
        }
    }
}
