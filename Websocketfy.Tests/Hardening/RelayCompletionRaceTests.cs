using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// The client side of an SQL reply cancels the relay when it is done with it (SqlReply does, when the relay
/// task has not finished yet); that can happen in the instant after the reply's last bytes reached the spool,
/// while the relay is still giving its connection back. The pooled connection must not carry that
/// cancellation into the next command, which would then fail at once as "did not answer".
/// </summary>
[TestFixture]
public sealed class RelayCompletionRaceTests
{
    // The instant is a microsecond or so wide: several relays at once, each with a reader spinning on its
    // spool, keep both cores busy so that relays are often preempted inside it.
    private const int Relays = 4;
    private const int RoundsEach = 150;

    [Test]
    public async Task CancellingRightAsAReplyCompletes_DoesNotSpoilThePooledConnectionForTheNextCommand()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        var options = new GatewayOptions { SirenHost = "127.0.0.1", SirenPort = siren.Port, SirenPoolSize = Relays };
        var metrics = new Metrics();
        using var pool = new SirenPool(options, metrics, NullLogger.Instance);
        var relay = new SirenRelay(pool, new LiveOptions(options), NullLogger.Instance);

        var failures = await Task.WhenAll(Enumerable.Range(0, Relays).Select(_ => Task.Run(() => RunRoundsAsync(relay, metrics))));
        Assert.That(failures.Sum(), Is.EqualTo(0), "replies that failed although SiREN answered them");
        Assert.That(siren.ConnectionCount, Is.LessThanOrEqualTo(Relays), "the connections were reused, none was discarded");
    }

    /// <returns>How many rounds' replies failed.</returns>
    private static async Task<int> RunRoundsAsync(SirenRelay relay, Metrics metrics)
    {
        byte[] command = "SELECT 1"u8.ToArray();
        int failed = 0;
        for (int round = 0; round < RoundsEach; round++)
        {
            using var spool = new ReplySpool(1024 * 1024, Path.GetTempPath(), metrics);
            using var clientGone = new CancellationTokenSource();
            // Stands in for the client side: takes the reply and cancels the relay the instant it is complete.
            // On a thread of its own: a spinning reader on a pool thread would starve the relays' continuations.
            var reader = Task.Factory.StartNew(() =>
            {
                var sink = new byte[64];
                while (!spool.IsComplete && spool.Failure == ReplyFailure.None)
                {
                    if (spool.Appended > 0) _ = spool.ReadAsync(sink, CancellationToken.None).AsTask().Result;
                }
                clientGone.Cancel();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await relay.RelayAsync(command, spool, clientGone.Token);
            await reader;
            if (spool.Failure != ReplyFailure.None) failed++;
        }
        return failed;
    }
}
