using System.Net.WebSockets;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>Daemon stop with v2 connections open: as classic, what is in flight finishes, then 1001.</summary>
[TestFixture]
public sealed class V2DrainTests
{
    [Test]
    public async Task Stop_LetsATransferInFlightFinish_ThenClosesWith1001()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { V2ChunkSize = 64 * 1024 },
            populate: files => TestFiles.Sparse(Path.Combine(files.Root, "big/thirty-two-mebibytes.bin"), 32 * TestFiles.MiB));
        await using var client = await V2Client.ConnectAsync(gateway.Port);
        await client.GetAsync(1, "big/thirty-two-mebibytes.bin");
        Task? stopping = null;

        // The stop begins once the first chunk is here: the rest is still to come.
        var download = (await client.FollowAsync([1], seen: m => stopping ??= m.IsChunk ? gateway.Gateway.StopAsync() : null))[1];
        var closed = await client.ReceiveAsync();
        await stopping!;

        Assert.That((download.Problem, download.Bytes, download.Final!["ok"]!.GetValue<bool>()), Is.EqualTo(((string?)null, 32 * TestFiles.MiB, true)));
        Assert.That(closed.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
    }

    [Test]
    public async Task Stop_ClosesAnIdleV2ConnectionWith1001AtOnce()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var client = await V2Client.ConnectAsync(gateway.Port);
        await client.AssertServedAsync(1);

        Task stopping = gateway.Gateway.StopAsync();
        var closed = await client.ReceiveAsync();
        await stopping;

        Assert.That(closed.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
    }
}
