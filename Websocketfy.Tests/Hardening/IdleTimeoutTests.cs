using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
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
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = Second }, captureLog: true);
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
        // Operators see why: the connection's last log line gives the close code and the reason.
        await gateway.Log.WaitForAsync(new Regex(@"ended after \d+ ms: 1 commands, \d+ bytes in, close 1001, idle timeout"));
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
        // The command leaves with the upgrade request, so it is queued the moment the connection opens: however
        // late a busy machine runs the client, the connection is never idle before its command.
        using var client = await RawWsClient.ConnectAsync(gateway.Port,
            firstFrames: RawWsClient.Frame(0x2, Encoding.UTF8.GetBytes("SELECT * FROM images WHERE id = 1")));
        var reply = await client.ReadMessageAsync(TimeSpan.FromSeconds(30));
        Assert.That(reply?.IsClose, Is.False, "the reply arrived before any close");
        Assert.That(reply!.Length, Is.EqualTo("id, label, path\n1, normal, study1/img001.dcm\n".Length));
    }

    [Test]
    public async Task UpgradeSlowerThanTheIdleTimeout_LeavesTheClientItsWholeIdleTimeout()
    {
        // The idle time runs from the upgrade, not from the accept: a slow handshake (it has its own timeout)
        // must not use it up, or the connection would be closed on the first tick after it opens.
        var idleTimeout = TimeSpan.FromSeconds(3);
        await using var gateway = await GatewayHarness.StartAsync(o => o with { IdleTimeout = idleTimeout });
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false);
        byte[] upgrade = RawWsClient.UpgradeRequest();
        await client.SendRawAsync(upgrade[..20]);
        await Task.Delay(idleTimeout + TimeSpan.FromSeconds(1)); // a slow client, on purpose
        await client.SendRawAsync(upgrade[20..]);
        Assert.That(await client.ReadHttpHeadAsync(), Does.StartWith("HTTP/1.1 101 "));

        // Half the idle timeout of quiet after the upgrade: a close that counted from the accept would be in by now
        // (the check runs every second). A busy machine can only make such a close later, never a correct one earlier.
        await Task.Delay(idleTimeout / 2);
        Assert.That(client.HasInputOrEnded, Is.False, "no close within the idle timeout after the upgrade");
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
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
