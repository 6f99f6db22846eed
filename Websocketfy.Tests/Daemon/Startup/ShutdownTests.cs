using System.Net.WebSockets;
using System.Security.Cryptography;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>SIGTERM on the real daemon process: stop accepting, let what is in flight finish,
/// close the rest with 1001 "server shutting down", exit 0.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ShutdownTests
{
    [Test]
    public async Task Sigterm_LetsAFileTransferAndAnSqlReplyInFlightComplete_ThenCloses1001_AndExits0()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        using var root = new TempTree();
        byte[] file = new byte[64 * 1024 * 1024];
        new Random(3).NextBytes(file);
        root.Write("big.bin", file);
        byte[] expectedReply = await RawSiren.QueryAsync(siren.Port, "SELECT * FROM huge_images");
        await using var daemon = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--siren", $"127.0.0.1:{siren.Port}", "--root", root.Root]);
        int port = await daemon.WaitUntilListeningAsync();

        await using var downloader = await WsClient.ConnectAsync(port);
        await using var querier = await WsClient.ConnectAsync(port);
        await using var idle = await WsClient.ConnectAsync(port);
        await downloader.SendTextAsync("REQUEST big.bin");
        await querier.SendTextAsync("SELECT * FROM huge_images");
        // Both replies must have begun when SIGTERM arrives: a command the daemon has not read yet is not in
        // flight, and rightly gets the close instead. The first bytes of each reply are the proof.
        byte[] fileStart = await ReceiveFirstPieceAsync(downloader, "the transfer must be in flight when SIGTERM arrives");
        byte[] replyStart = await ReceiveFirstPieceAsync(querier, "the SQL reply must be in flight when SIGTERM arrives");

        daemon.Terminate();

        var idleEnd = await idle.ReceiveAsync(TimeSpan.FromSeconds(60));
        Assert.That((idleEnd.CloseStatus, idleEnd.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable, "server shutting down")));

        var rest = await downloader.ReceiveAsync(TimeSpan.FromSeconds(60));
        byte[] received = [.. fileStart, .. rest.Bytes];
        Assert.That(SHA256.HashData(received), Is.EqualTo(SHA256.HashData(file)), "the file arrived intact");
        byte[] reply = [.. replyStart, .. (await querier.ReceiveAsync(TimeSpan.FromSeconds(60))).Bytes];
        Assert.That(reply, Is.EqualTo(expectedReply), "the SQL reply arrived intact");

        Assert.That((await downloader.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That((await querier.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        await daemon.AssertExitsCleanlyAsync();
    }

    /// <summary>The first bytes of a reply that does not fit one read, so the rest is still to come.</summary>
    private static async Task<byte[]> ReceiveFirstPieceAsync(WsClient client, string because)
    {
        var piece = new byte[16 * 1024];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await client.Socket.ReceiveAsync(piece, patience.Token);
        Assert.That(first.EndOfMessage, Is.False, because);
        return piece[..first.Count];
    }
}
