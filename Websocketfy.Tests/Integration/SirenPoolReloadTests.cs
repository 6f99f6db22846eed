using Websocketfy.SirenDemo;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>A reload that moves SiREN or resizes the pool, on the in-process daemon (Gateway.ReloadAsync is
/// what SIGHUP calls): commands in flight finish where they started, new ones go where the settings say.</summary>
[TestFixture]
public sealed class SirenPoolReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task NewSirenAddress_LetsTheCommandInFlightFinish_ClosesItsConnection_AndSendsTheNextCommandToTheNewAddress()
    {
        // The old SiREN writes two bytes of its reply and holds the rest until the test lets it go: the reload
        // lands while the command is in flight however slowly the machine runs (a slow writer would leave
        // that to the scheduler).
        await using var gateway = await GatewayHarness.StartAsync(
            peer: new SirenPeerOptions { Fault = SirenFault.HoldMidReply, HoldMidReplyAfterBytes = 2 });
        await using var newSiren = new SirenPeerServer();
        newSiren.Start();
        await using var client = await gateway.ConnectAsync();
        await client.SendTextAsync("SELECT 1 AS a");
        await gateway.Siren.WaitForCommandsAsync(1, Patience);
        var reply = client.ReceiveAsync(Patience);

        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { SirenPort = newSiren.Port });

        Assert.That((outcome.Applied, reply.IsCompleted), Is.EqualTo((true, false)), "the reload came while the reply was held");
        gateway.Siren.ReleaseHeldReply();
        Assert.That((await reply).Text, Is.EqualTo("a\n1\n"), "the command in flight finished with the old SiREN");
        Assert.That(await Wait.UntilAsync(() => gateway.Siren.ActiveConnections == 0, Patience), Is.True,
                    "its connection closed instead of going back to the pool");
        Assert.That((await client.RequestAsync("SELECT 2 AS b")).Text, Is.EqualTo("b\n2\n"));
        Assert.That((gateway.Siren.CommandCount, newSiren.CommandCount), Is.EqualTo((1, 1)), "the next command went to the new SiREN");
    }

    [Test]
    public async Task NewSirenAddress_ClosesIdlePooledConnectionsAtOnce()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var newSiren = new SirenPeerServer();
        newSiren.Start();
        await using (var client = await gateway.ConnectAsync())
            Assert.That((await client.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"));
        // The relay gives its connection back just after the reply's last bytes are handed on: wait for it.
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.IdleBackendConnections >= 1), Is.True, "a connection waits in the pool");

        const string Opened = "websocketfy_backend_connections_opened_total";
        long openedBefore = MetricSeries.Read(gateway.Gateway.Metrics, Opened);
        await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { SirenPort = newSiren.Port });

        // The reload also checks the new address at once, which may already have pooled a connection to it: what
        // must hold the moment the reload returns is that every connection still open was opened since.
        long open = gateway.Gateway.Metrics.OpenBackendConnections;
        Assert.That(open, Is.LessThanOrEqualTo(MetricSeries.Read(gateway.Gateway.Metrics, Opened) - openedBefore),
                    "no connection to the old address is left open");
        Assert.That(await Wait.UntilAsync(() => gateway.Siren.ActiveConnections == 0, Patience), Is.True,
                    "the old SiREN sees its idle connections closed");
    }

    [Test]
    public async Task LargerPoolSize_LetsAWaitingCommandIn()
    {
        await using var gateway = await GatewayHarness.StartAsync(
            options => options with { SirenPoolSize = 1, SirenConnectTimeout = TimeSpan.FromSeconds(60), ShutdownTimeout = TimeSpan.FromSeconds(1) },
            peer: new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        var pool = gateway.Gateway.Pool;
        await using var first = await gateway.ConnectAsync();
        await using var second = await gateway.ConnectAsync();
        await first.SendTextAsync("SELECT 1 AS a");
        Assert.That(await Wait.UntilAsync(() => pool.BusyCount == 1, Patience), Is.True);
        await second.SendTextAsync("SELECT 2 AS b");
        Assert.That(await Wait.UntilAsync(() => pool.WaitingCount == 1, Patience), Is.True, "the second command waits for a slot");

        await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { SirenPoolSize = 2 });

        Assert.That((pool.WaitingCount, pool.BusyCount), Is.EqualTo((0, 2)));
        await gateway.Siren.WaitForCommandsAsync(2, Patience);
    }
}
