using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>A command that finds every pooled SiREN connection busy waits for one at most
/// siren-connect-timeout, then gets the "unavailable" reply instead of waiting without end.</summary>
[TestFixture]
public sealed class PoolWaitTests
{
    [Test]
    public async Task CommandWaitingForABusyPool_GetsUnavailableAfterTheConnectTimeout()
    {
        // SiREN takes the first command and never answers: its connection stays busy until siren-timeout.
        await using var gateway = await GatewayHarness.StartAsync(
            options => options with
            {
                SirenPoolSize = 1,
                SirenConnectTimeout = TimeSpan.FromSeconds(1),
                SirenTimeout = TimeSpan.FromMinutes(10),
                ShutdownTimeout = TimeSpan.FromSeconds(1),
            },
            peer: new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        var pool = gateway.Gateway.Pool;
        await using var holder = await gateway.ConnectAsync();
        await using var waiter = await gateway.ConnectAsync();
        await holder.SendTextAsync("SELECT 1 AS a");
        await gateway.Siren.WaitForCommandsAsync(1, TimeSpan.FromSeconds(30));

        var reply = await waiter.RequestAsync("SELECT 2 AS b");

        Assert.That(reply.Text, Is.EqualTo("Command failed.\nSiREN server is unavailable.\n"));
        Assert.That((pool.WaitingCount, pool.BusyCount), Is.EqualTo((0, 1)), "the waiter left the queue; the holder still has its slot");
        Assert.That(gateway.Siren.CommandCount, Is.EqualTo(1), "the waiting command never reached SiREN");
    }
}
