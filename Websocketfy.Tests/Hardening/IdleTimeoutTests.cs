using System.Diagnostics;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>idle-timeout: a connection that sends no command for that long is closed with 1001; 0 turns it off.</summary>
[TestFixture]
public sealed class IdleTimeoutTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Test]
    public async Task ConnectionWithoutCommands_IsClosedWith1001_AfterTheIdleTimeout()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = Second });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));

        // That the wait runs from the last reply, not from the connection's start, the two tests below show:
        // commands flowing and a command running longer than the timeout keep the connection open.
        var close = await client.ReadFrameAsync();
        Assert.That(close?.Opcode, Is.EqualTo(0x8));
        Assert.That(close!.CloseCode, Is.EqualTo(1001));
        await client.SendFrameAsync(0x8, [0x03, 0xE9]); // the client's answering close, 1001
        Assert.That(await client.DrainUntilEndAsync(), Is.EqualTo(0));
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 0), Is.True);
    }

    [Test]
    public async Task CommandsFlowing_KeepTheConnectionOpen_PastTheIdleTimeout()
    {
        // Two seconds of idle timeout against a command every 300 ms: the slack absorbs a busy machine's delays.
        var idleTimeout = TimeSpan.FromSeconds(2);
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = idleTimeout });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed < 2.5 * idleTimeout; i++)
        {
            await client.SendTextAsync($"SELECT {i}");
            var reply = await client.ReadSmallMessageAsync();
            Assert.That(reply?.IsClose, Is.False, $"command {i} after {clock.Elapsed.TotalSeconds:0.0} s was answered, not closed");
            Assert.That(reply!.Text, Is.EqualTo($"{i}\n{i}\n"));
            await Task.Delay(300);
        }
    }

    [Test]
    public async Task CommandRunningLongerThanTheIdleTimeout_IsNotCut()
    {
        // Each reply byte comes 40 ms apart: 57 bytes with the prompt, over two idle timeouts.
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = Second },
            new SirenPeerOptions { Fault = SirenFault.SlowBytes, SlowByteDelay = TimeSpan.FromMilliseconds(40) });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await client.SendBinaryAsync("SELECT * FROM images WHERE id = 1");
        var reply = await client.ReadMessageAsync(TimeSpan.FromSeconds(30));
        Assert.That(reply?.IsClose, Is.False, "the reply arrived before any close");
        Assert.That(reply!.Length, Is.EqualTo("id, label, path\n1, normal, study1/img001.dcm\n".Length));
    }

    [Test]
    public async Task IdleTimeoutZero_NeverClosesAQuietConnection()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = TimeSpan.Zero });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.That(client.HasInputOrEnded, Is.False, "no frame (no close) and no end of TCP during three registry ticks of silence");
        Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(1));
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
    }
}
