using System.Net.WebSockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>--drain-delay: after SIGTERM the daemon announces the stop on /healthz and serves on, new clients
/// included, so a load balancer moves clients elsewhere before this instance turns anyone away. (Without a delay
/// the drain begins at SIGTERM: OperatorEndpointTests.Stop_KeepsThePortAnswering503_WhileATransferInFlightFinishes.)</summary>
public sealed class DrainDelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task DuringTheDelay_HealthzSays503_WhileOldAndNewClientsAreServed_ThenTheDrainCloses1001()
    {
        // A delay far longer than the test: it ends only when the test cuts it short, so nothing here
        // depends on how fast the machine is.
        await using var gateway = await GatewayHarness.StartAsync(o => o with { DrainDelay = TimeSpan.FromMinutes(10) });
        await using var before = await gateway.ConnectAsync();

        Task stopping = gateway.Gateway.StopAsync();

        var health = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        Assert.That(health.Status, Is.EqualTo(503));
        Assert.That(health.Json.GetProperty("status").GetString(), Is.EqualTo("draining"));
        await using var during = await gateway.ConnectAsync();
        Assert.That((await during.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"), "a new client is served during the delay");
        Assert.That((await before.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"), "an open client is served during the delay");
        Assert.That(stopping.IsCompleted, Is.False);

        gateway.Gateway.EndDrainDelay();

        foreach (var client in new[] { before, during })
        {
            var end = await client.ReceiveAsync(Patience);
            Assert.That(end.CloseStatus, Is.EqualTo((WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable));
        }
        await stopping.WaitAsync(Patience);
    }

    [Test]
    public async Task SecondSigterm_CutsTheDelayShort()
    {
        using var root = new TempTree();
        await using var daemon = DaemonProcess.Start(["--port", "0", "--bind", "127.0.0.1", "--root", root.Root, "--drain-delay", "10m"]);
        await daemon.WaitUntilListeningAsync();

        daemon.Terminate();
        await daemon.Output.WaitForLineAsync("serving on for drain-delay (600s)");
        daemon.Terminate();

        // Well before the ten minutes are up.
        await daemon.AssertExitsCleanlyAsync(Patience);
        await daemon.Output.WaitForAsync("stopped");
    }
}
