using System.Diagnostics;
using System.Net.WebSockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>Keepalive (ping-interval, ping-timeout): dead peers are noticed and freed, live ones are left alone.</summary>
[TestFixture]
public sealed class KeepaliveTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static Task<GatewayHarness> StartAsync() =>
        GatewayHarness.StartAsync(o => o with { PingInterval = Second, PingTimeout = Second, CloseTimeout = Second });

    [Test]
    public async Task ClientThatNeverAnswersPings_GetsAPingOnQuiet_ThenClose1001_AndIsFreed()
    {
        await using var gateway = await StartAsync();
        using var client = await RawWsClient.ConnectAsync(gateway.Port);

        var ping = await client.ReadFrameAsync();
        Assert.That(ping?.Opcode, Is.EqualTo(0x9), "a quiet connection gets the server's ping");
        Assert.That(gateway.Gateway.SessionCount, Is.EqualTo(1));

        var close = await client.ReadFrameAsync();
        Assert.That(close?.Opcode, Is.EqualTo(0x8));
        Assert.That(close!.CloseCode, Is.EqualTo(1001));

        // The client answers neither the ping nor the close: close-timeout later the daemon drops TCP and forgets it.
        Assert.That(await client.DrainUntilEndAsync(), Is.EqualTo(0), "TCP is closed, nothing follows the close frame");
        // The close is counted before the session is forgotten: wait for both.
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.Metrics.ActiveConnections == 0 && gateway.Gateway.SessionCount == 0), Is.True,
                    "the daemon forgot the connection");
    }

    [Test]
    public async Task ClientThatKeepsTalking_GetsNoPing_BecauseThePingWaitsForPingIntervalOfQuiet()
    {
        // Two seconds of ping-interval against a command every 300 ms: the slack absorbs a busy machine's delays.
        var pingInterval = TimeSpan.FromSeconds(2);
        await using var gateway = await GatewayHarness.StartAsync(o => o with { PingInterval = pingInterval, PingTimeout = Second });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed < 2.5 * pingInterval; i++)
        {
            await client.SendTextAsync($"SELECT {i}");
            var reply = await client.ReadSmallMessageAsync();
            Assert.That(reply?.Text, Is.EqualTo($"{i}\n{i}\n"));
            Assert.That(reply!.PingsAnswered, Is.Zero, $"command {i}: no ping came with its reply");
            await Task.Delay(300);
        }
    }

    [Test]
    public async Task ClientThatAnswersPings_StaysOpenOverSeveralIntervals()
    {
        await using var gateway = await StartAsync();
        await using var client = await gateway.ConnectAsync();
        long sentBefore = MetricSeries.Read(gateway.Gateway.Metrics, "websocketfy_sent_bytes_total");

        // ClientWebSocket answers pings while a receive is pending; nothing else arrives in this quiet time.
        var buffer = new byte[1024];
        using var quiet = new CancellationTokenSource();
        var pending = client.Socket.ReceiveAsync(buffer, quiet.Token);
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.That(pending.IsCompleted, Is.False, "nothing (no close frame) arrived");
        Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(1));
        // Each ping is a 2-byte frame and nothing else was sent: several pings went out and were answered.
        long pingBytes = MetricSeries.Read(gateway.Gateway.Metrics, "websocketfy_sent_bytes_total") - sentBefore;
        Assert.That(pingBytes, Is.GreaterThanOrEqualTo(2 * 2), "the server pinged at least twice");

        await client.SendTextAsync("SELECT 1");
        var first = await pending;
        Assert.That(first.MessageType, Is.EqualTo(WebSocketMessageType.Text), "the connection still carries commands");
        string text = System.Text.Encoding.UTF8.GetString(buffer, 0, first.Count);
        if (!first.EndOfMessage) text += (await client.ReceiveAsync()).Text;
        Assert.That(text, Is.EqualTo("1\n1\n"));
    }
}
