using System.Net.WebSockets;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>SiREN misbehaving: every client gets exactly the PROTOCOL.md answer and the daemon keeps serving.</summary>
[TestFixture]
public sealed class BackendFaultTests
{
    private const string Unavailable = "Command failed.\nSiREN server is unavailable.\n";
    private const string ClosedEarly = "Command failed.\nSiREN server closed the connection before the reply was complete.\n";

    [Test]
    public async Task SirenDownAtStart_AnswersUnavailable_ThenRecoversWhenSirenComesBack()
    {
        await using var gateway = await GatewayHarness.StartAsync(startSiren: false);
        await using var client = await gateway.ConnectAsync();
        var down = await client.RequestAsync("SELECT 1");
        Assert.That(down.Text, Is.EqualTo(Unavailable));
        gateway.Siren.Start();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task UnavailableReply_UsesTheRequestOpcode()
    {
        await using var gateway = await GatewayHarness.StartAsync(startSiren: false);
        await using var client = await gateway.ConnectAsync();
        var reply = await client.RequestAsync("SELECT 1", WebSocketMessageType.Binary);
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(reply.Text, Is.EqualTo(Unavailable));
    }

    [Test]
    public async Task NoGreeting_AnswersUnavailable_AfterTheConnectTimeout()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenConnectTimeout = TimeSpan.FromMilliseconds(500) },
                                                                  new SirenPeerOptions { Fault = SirenFault.NoGreeting });
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo(Unavailable));
    }

    [Test]
    public async Task NeverAnswering_GivesDidNotAnswer_AndTheConnectionIsNotReused()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenTimeout = TimeSpan.FromSeconds(1) },
                                                                  new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("Command failed.\nSiREN server did not answer within 1 s.\n"));
        int connections = gateway.Siren.ConnectionCount;
        gateway.Siren.Fault = SirenFault.None;
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        Assert.That(gateway.Siren.ConnectionCount, Is.GreaterThan(connections), "the timed-out connection must be discarded");
    }

    [Test]
    public async Task SlowOneByteAtATimeReply_StillSucceeds_BecauseTheTimeoutBoundsSilenceNotTheReply()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenTimeout = TimeSpan.FromSeconds(1) },
            new SirenPeerOptions { Fault = SirenFault.SlowBytes, SlowByteDelay = TimeSpan.FromMilliseconds(20) });
        await using var client = await gateway.ConnectAsync();
        var reply = await client.RequestAsync("SELECT * FROM images");
        Assert.That(reply.Text, Does.StartWith("id, label, path\n1, normal"));
        // The peer waits at least 20 ms before each byte: with over 50 bytes the whole reply took longer than
        // siren-timeout, by construction rather than by a clock that a busy machine would make unreliable.
        Assert.That(reply.Bytes, Has.Length.GreaterThan(50), "the reply took longer than siren-timeout in total");
    }

    [Test]
    public async Task SirenClosingBeforeAnyReplyByte_GivesClosedEarlyText()
    {
        await using var gateway = await GatewayHarness.StartAsync(peer: new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        await using var client = await gateway.ConnectAsync();
        int before = gateway.Siren.CommandCount;
        await client.SendTextAsync("SELECT * FROM images");
        await gateway.Siren.WaitForCommandsAsync(before + 1, TimeSpan.FromSeconds(30));
        await gateway.Siren.StopAsync();
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo(ClosedEarly));
    }

    [Test]
    public async Task CloseMidReply_AfterAFewBytes_SendsThemThenCloses1011WithTheSentence()
    {
        await using var gateway = await GatewayHarness.StartAsync(peer: new SirenPeerOptions { Fault = SirenFault.CloseMidReply, CloseMidReplyAfterBytes = 3 });
        await using var client = await gateway.ConnectAsync();
        await client.SendTextAsync("SELECT * FROM images");
        var close = await client.ReceiveUntilCloseAsync();
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.InternalServerError));
        Assert.That(close.CloseReason, Is.EqualTo("SiREN server closed the connection before the reply was complete."));
    }

    [Test]
    public async Task CloseMidLargeReply_AfterPartWasSent_Closes1011WithTheSentence()
    {
        await using var gateway = await GatewayHarness.StartAsync(peer: new SirenPeerOptions { Fault = SirenFault.CloseMidReply, CloseMidReplyAfterBytes = 1_000_000 });
        await using var client = await gateway.ConnectAsync();
        await client.SendTextAsync("SELECT * FROM huge_images");
        var close = await client.ReceiveUntilCloseAsync(TimeSpan.FromSeconds(60));
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.InternalServerError));
        Assert.That(close.CloseReason, Is.EqualTo("SiREN server closed the connection before the reply was complete."));
    }

    [Test]
    public async Task ReplyLargerThanMaxReplySize_Closes1011ReplyTooLarge_OthersUnaffected()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { MaxReplySize = 100_000 });
        await using var other = await gateway.ConnectAsync();
        await using var client = await gateway.ConnectAsync();
        await client.SendTextAsync("SELECT * FROM huge_images");
        var close = await client.ReceiveUntilCloseAsync(TimeSpan.FromSeconds(60));
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.InternalServerError));
        Assert.That(close.CloseReason, Is.EqualTo("reply too large"));
        Assert.That((await other.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task SirenRestartWhilePooled_IsInvisibleToTheClient()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        await gateway.Siren.RestartAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task UnsolicitedBytesOnAnIdlePooledConnection_DiscardIt()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var client = await gateway.ConnectAsync();
        await client.RequestAsync("SELECT 1");
        int connections = gateway.Siren.ConnectionCount;
        byte[] unsolicited = "1\n1\nSiren::SQL> "u8.ToArray();
        await gateway.Siren.InjectUnsolicitedAsync(unsolicited);
        // Every idle pooled connection got them.
        Assert.That(await Wait.UntilAsync(() => TcpTable.UnreadBytesFromPort(gateway.Siren.Port)
                                                == unsolicited.Length * gateway.Gateway.IdleBackendConnections), Is.True,
                    "the bytes reached the daemon's idle pooled connections");
        Assert.That((await client.RequestAsync("SELECT 2")).Text, Is.EqualTo("2\n2\n"));
        Assert.That(gateway.Siren.ConnectionCount, Is.EqualTo(connections + 1), "the out-of-step connection was not reused");
    }
}
