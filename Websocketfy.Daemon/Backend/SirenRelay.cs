using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Backend;

/// <summary>Runs one SQL command against SiREN through the pool and fills a reply spool,
/// ending it with completion or with the failure the client must be told.</summary>
internal sealed class SirenRelay(SirenPool pool, LiveOptions live, ILogger log)
{
    public async Task RelayAsync(ReadOnlyMemory<byte> command, ReplySpool spool, CancellationToken ct)
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
                log.LogWarning("SiREN unavailable: {Detail}", ex.Message);
                spool.Fail(ReplyFailure.Unavailable);
                return;
            }
            catch (OperationCanceledException)
            {
                spool.Fail(ReplyFailure.Cancelled);
                return;
            }

            var outcome = await connection.RelayAsync(command, spool, options.SirenTimeout, options.MaxReplySize, ct).ConfigureAwait(false);
            pool.Release(connection, reusable: outcome == RelayOutcome.Complete);
            if (outcome == RelayOutcome.WriteFailed && reused && attempt == 0) continue;
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
}
