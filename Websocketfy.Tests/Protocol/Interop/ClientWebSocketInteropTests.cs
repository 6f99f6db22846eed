using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Protocol.Interop;

/// <summary>
/// .NET's own ClientWebSocket, an implementation we did not write, against an echo server made of
/// Websocketfy.Protocol alone: what one side writes the other must read, in both directions.
/// </summary>
[TestFixture]
public sealed class ClientWebSocketInteropTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task TextMessage_IsEchoedAsTheSameText()
    {
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        await client.SendTextAsync("SELECT * FROM images; -- é ✓ 𝄞");
        var echo = await client.ReceiveAsync(Patience);

        Assert.That((echo.Type, echo.Text), Is.EqualTo((WebSocketMessageType.Text, "SELECT * FROM images; -- é ✓ 𝄞")));
    }

    [Test]
    public async Task BinaryMessage_IsEchoedAsTheSameBytes()
    {
        // Every byte value, and longer than 125 so the echo header carries a 16-bit length.
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)i;
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        await client.SendAsync(bytes, WebSocketMessageType.Binary);
        var echo = await client.ReceiveAsync(Patience);

        Assert.That((echo.Type, echo.Bytes), Is.EqualTo((WebSocketMessageType.Binary, bytes)));
    }

    [Test]
    public async Task MessageTheClientSendsInFragments_IsReassembledAndEchoedWhole()
    {
        // "é" is C3 A9: the second fragment ends inside it, so UTF-8 is validated across frames.
        byte[][] pieces = ["frag"u8.ToArray(), [.. "mented caf"u8, 0xC3], [0xA9, .. " message"u8]];
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        using var timeout = new CancellationTokenSource(Patience);
        for (int i = 0; i < pieces.Length; i++)
            await client.Socket.SendAsync(pieces[i], WebSocketMessageType.Text, endOfMessage: i == pieces.Length - 1, timeout.Token);
        var echo = await client.ReceiveAsync(Patience);

        Assert.That((echo.Type, echo.Text), Is.EqualTo((WebSocketMessageType.Text, "fragmented café message")));
    }

    [Test]
    public async Task SixteenMebibyteBinaryMessage_ComesBackIntact_ThoughEchoedInFragments()
    {
        const int size = 16 * 1024 * 1024;
        Assert.That(size, Is.GreaterThan(EchoConnection.OutgoingFragmentLength), "the echo must take the fragmented writer path");
        byte[] bytes = new byte[size];
        new Random(16).NextBytes(bytes);
        await using var server = EchoServer.Start(maxMessageSize: size);
        await using var client = await WsClient.ConnectAsync(server.Port);

        await client.SendAsync(bytes, WebSocketMessageType.Binary);
        var echo = await client.ReceiveAsync(TimeSpan.FromSeconds(30));

        Assert.That(SHA256.HashData(echo.Bytes), Is.EqualTo(SHA256.HashData(bytes)));
    }

    [Test]
    public async Task LargeTextOfMultibyteCharacters_ComesBackIntact_ThoughReadsAndFragmentsCutCodePoints()
    {
        // 2-, 3- and 4-byte characters (9 bytes a round) over several MiB: the server's 64 KiB reads and
        // its 1 MiB echo fragments fall inside code points, which both sides must validate across.
        string text = string.Concat(Enumerable.Repeat("é✓𝄞", 3 * EchoConnection.OutgoingFragmentLength / 9 + 1));
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        await client.SendTextAsync(text);
        var echo = await client.ReceiveAsync(TimeSpan.FromSeconds(30));

        Assert.That((echo.Type, echo.Text == text), Is.EqualTo((WebSocketMessageType.Text, true)),
                    $"{echo.Bytes.Length} bytes came back for {Encoding.UTF8.GetByteCount(text)} sent");
    }

    [Test]
    public async Task KeepAlivePings_AreAnsweredWithPongs_SoTheClientKeepsTheConnection()
    {
        // With a KeepAliveTimeout, ClientWebSocket sends real pings and aborts unless a pong with the
        // ping's payload arrives in time; the pending receive is what lets it read those pongs.
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port, configure: KeepAliveWithPings);
        var pending = client.ReceiveAsync(Patience);

        // Twenty pings 100 ms apart outlast the 1 s keep-alive timeout: without the pongs the client would have aborted.
        await Wait.ForAsync(() => server.PingsReceived >= 20, "the server to see twenty keep-alive pings", Patience);
        await client.SendTextAsync("still here");

        Assert.That((await pending).Text, Is.EqualTo("still here"));
    }

    [Test]
    public async Task UnansweredKeepAlivePings_MakeTheClientAbort()
    {
        // The control for the test above: without pongs the same client gives up, so that test can fail.
        await using var server = EchoServer.Start(answerPings: false);
        await using var client = await WsClient.ConnectAsync(server.Port, configure: KeepAliveWithPings);

        Assert.That(async () => await client.ReceiveAsync(Patience), Throws.InstanceOf<WebSocketException>().Or.InstanceOf<OperationCanceledException>());
        Assert.That(client.Socket.State, Is.EqualTo(WebSocketState.Aborted));
    }

    [Test]
    public async Task KeepAliveWithoutTimeout_SendsUnsolicitedPongs_WhichTheServerTakesQuietly()
    {
        // ClientWebSocket's default keep-alive is an unsolicited pong (RFC 6455 5.5.3 allows it), not a ping.
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port, configure: o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100));

        await Wait.ForAsync(() => server.PongsReceived >= 3, "the server to see three unsolicited pongs", Patience);
        await client.SendTextAsync("after the pongs");

        Assert.That((await client.ReceiveAsync(Patience)).Text, Is.EqualTo("after the pongs"));
    }

    [Test]
    public async Task ClientInitiatedClose_IsEchoed_AndBothSidesEndCleanly()
    {
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        using var timeout = new CancellationTokenSource(Patience);
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        var serverSaw = await server.FirstConnectionEnded.WaitAsync(Patience);

        Assert.That(
            (client.Socket.State, client.Socket.CloseStatus, client.Socket.CloseStatusDescription, serverSaw),
            Is.EqualTo((WebSocketState.Closed, (WebSocketCloseStatus?)WebSocketCloseStatus.NormalClosure, "done",
                        new EchoOutcome(1000, "done", ServerClosedFirst: false, Failure: null))));
    }

    [Test]
    public async Task ServerInitiatedClose_ReachesTheClient_AndItsAnswerCompletesTheHandshake()
    {
        await using var server = EchoServer.Start();
        await using var client = await WsClient.ConnectAsync(server.Port);

        await client.SendTextAsync(EchoServer.CloseRequest);
        var close = await client.ReceiveAsync(Patience);
        using var timeout = new CancellationTokenSource(Patience);
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        var serverSaw = await server.FirstConnectionEnded.WaitAsync(Patience);

        Assert.That(
            (close.Type, close.CloseStatus, close.CloseReason, client.Socket.State, serverSaw),
            Is.EqualTo((WebSocketMessageType.Close, (WebSocketCloseStatus?)WebSocketCloseStatus.NormalClosure, EchoServer.ServerCloseReason,
                        WebSocketState.Closed, new EchoOutcome(1000, "", ServerClosedFirst: true, Failure: null))));
    }

    private static void KeepAliveWithPings(ClientWebSocketOptions options)
    {
        options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
        options.KeepAliveTimeout = TimeSpan.FromSeconds(1); // time enough for a pong on a busy machine
    }
}
