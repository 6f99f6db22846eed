using System.Net.WebSockets;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>WebSocket behaviour of a session that clients rely on (PROTOCOL.md section 1).</summary>
[TestFixture]
public sealed class SessionTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _gateway = await GatewayHarness.StartAsync(o => o with { MaxMessageSize = 4096, MaxQueuedCommands = 4 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [TestCase("QUIT")]
    [TestCase("quit now")]
    [TestCase("quit;")]
    [TestCase("  Quit ;\n")]
    public async Task Quit_ClosesWith1000_AndIsNotRelayed(string quit)
    {
        int before = _gateway.Siren.CommandCount;
        await using var client = await _gateway.ConnectAsync();
        await client.SendTextAsync(quit);
        var reply = await client.ReceiveAsync();
        Assert.That(reply.IsClose, Is.True);
        Assert.That(reply.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        Assert.That(_gateway.Siren.CommandCount, Is.EqualTo(before));
    }

    [Test]
    public async Task CommandsAfterQuit_AreNotAnswered()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendTextAsync("SELECT 1");
        await client.SendTextAsync("QUIT");
        await client.SendTextAsync("SELECT 2");
        // The reply may come as fragments (body while SiREN's prompt is still due, then the end).
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
        var close = await client.ReadFrameAsync();
        Assert.That(close!.Opcode, Is.EqualTo(0x8));
        Assert.That(close.CloseCode, Is.EqualTo(1000));
    }

    [Test]
    public async Task ServerStartedClose_WithoutThePeersAnswer_EndsTcpAfterTheCloseTimeout()
    {
        // The harness sets close-timeout to 2 s; a peer that never answers our close frame
        // must not keep the connection (RFC 6455 section 7.1.1).
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendTextAsync("QUIT");
        var close = await client.ReadFrameAsync();
        Assert.That(close!.Opcode, Is.EqualTo(0x8));
        Assert.That(await client.ServerClosesTcpAsync(), Is.True);
    }

    [Test]
    public async Task DataAfterOurCloseFrame_IsReadAndDropped_UntilThePeersClose()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendTextAsync("QUIT");
        Assert.That((await client.ReadFrameAsync())!.CloseCode, Is.EqualTo(1000));
        await client.SendTextAsync("SELECT 1");
        await client.SendFrameAsync(0x8, [0x03, 0xE8]);
        Assert.That(await client.ReadFrameAsync(), Is.Null, "no reply may follow our close frame");
    }

    [Test]
    public async Task ClientClose_IsEchoed_AndTcpIsClosedByTheServer()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x8, [0x0F, 0xA0, (byte)'b', (byte)'y', (byte)'e']); // 4000 "bye"
        var close = await client.ReadFrameAsync();
        Assert.That(close!.Opcode, Is.EqualTo(0x8));
        Assert.That(close.CloseCode, Is.EqualTo(4000));
        Assert.That(await client.ServerClosesTcpAsync(), Is.True);
    }

    [Test]
    public async Task EmptyClientClose_IsAnsweredWith1000()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x8, []);
        var close = await client.ReadFrameAsync();
        Assert.That(close!.CloseCode, Is.EqualTo(1000));
    }

    [Test]
    public async Task Ping_IsAnsweredWithPongCarryingTheSamePayload()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x9, "are you there"u8.ToArray());
        var pong = await client.ReadFrameAsync();
        Assert.That(pong!.Opcode, Is.EqualTo(0xA));
        Assert.That(pong.Payload, Is.EqualTo("are you there"u8.ToArray()));
    }

    [Test]
    public async Task FragmentedCommand_WithPingBetweenFragments_IsOneCommand()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x1, "SELECT * FROM images "u8.ToArray(), fin: false);
        await client.SendFrameAsync(0x9, "p"u8.ToArray());
        await client.SendFrameAsync(0x0, "WHERE id "u8.ToArray(), fin: false);
        await client.SendFrameAsync(0x0, "= 3"u8.ToArray(), fin: true);
        var pong = await client.ReadFrameAsync();
        Assert.That(pong!.Opcode, Is.EqualTo(0xA));
        var reply = await client.ReadSmallMessageAsync();
        Assert.That(reply!.Opcode, Is.EqualTo(0x1));
        Assert.That(reply.Text, Is.EqualTo("id, label, path\n3, normal, study2/img001.dcm\n"));
    }

    [Test]
    public async Task UnsolicitedPong_IsIgnored()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0xA, "x"u8.ToArray());
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task UnmaskedClientFrame_ClosesWith1002()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x1, "SELECT 1"u8.ToArray(), mask: false);
        var close = await client.ReadUntilCloseAsync();
        Assert.That(close!.CloseCode, Is.EqualTo(1002));
        Assert.That(await client.ServerClosesTcpAsync(), Is.True);
    }

    [Test]
    public async Task InvalidUtf8InTextMessage_ClosesWith1007()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x1, [0x53, 0xC0, 0x80]);
        var close = await client.ReadUntilCloseAsync();
        Assert.That(close!.CloseCode, Is.EqualTo(1007));
    }

    [Test]
    public async Task MessageOverMaxMessageSize_ClosesWith1009()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x2, new byte[4097]);
        var close = await client.ReadUntilCloseAsync();
        Assert.That(close!.CloseCode, Is.EqualTo(1009));
    }

    [Test]
    public async Task FragmentsAddingUpOverMaxMessageSize_CloseWith1009()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendFrameAsync(0x2, new byte[3000], fin: false);
        await client.SendFrameAsync(0x0, new byte[3000], fin: true);
        var close = await client.ReadUntilCloseAsync();
        Assert.That(close!.CloseCode, Is.EqualTo(1009));
    }

    [Test]
    public async Task TooManyQueuedCommands_CloseWith1008_AfterAnsweringTheQueued()
    {
        // The peer answers slowly enough that commands pile up: 1 running + 4 queued fit, the next does not.
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        var burst = new List<byte>();
        for (int i = 0; i < 20; i++) burst.AddRange(RawWsClient.Frame(0x1, "SELECT * FROM big_images"u8.ToArray()));
        await client.SendRawAsync([.. burst]);
        var close = await client.ReadUntilCloseAsync(TimeSpan.FromSeconds(30));
        Assert.That(close!.CloseCode, Is.EqualTo(1008));
    }

    [Test]
    public async Task FramesAfterClientClose_AreNotAnswered()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendRawAsync([.. RawWsClient.Frame(0x8, [0x03, 0xE8]), .. RawWsClient.Frame(0x1, "SELECT 1"u8.ToArray())]);
        var close = await client.ReadFrameAsync();
        Assert.That(close!.Opcode, Is.EqualTo(0x8));
        Assert.That(await client.ReadFrameAsync(), Is.Null, "nothing may follow the close frame");
    }

    [Test]
    public async Task FirstFrames_SentWithTheHandshake_AreNotLost()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port, upgrade: false);
        byte[] head = Encoding.ASCII.GetBytes(
            "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await client.SendRawAsync([.. head, .. RawWsClient.Frame(0x1, "SELECT 1"u8.ToArray())]);
        Assert.That(await client.ReadHttpHeadAsync(), Does.StartWith("HTTP/1.1 101 Switching Protocols\r\n"));
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
    }

    [TestCase("/")]
    [TestCase("/ws")]
    [TestCase("/any/path?x=1")]
    public async Task AnyRequestTarget_IsAcceptedForTheUpgrade(string path)
    {
        await using var client = await _gateway.ConnectAsync(path);
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }
}
