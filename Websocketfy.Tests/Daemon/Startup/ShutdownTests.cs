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
        var firstPiece = new byte[64 * 1024];
        var started = await downloader.Socket.ReceiveAsync(firstPiece, CancellationToken.None);
        Assert.That(started.EndOfMessage, Is.False, "the transfer must be in flight when SIGTERM arrives");

        daemon.Terminate();

        var idleEnd = await idle.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.That((idleEnd.CloseStatus, idleEnd.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable, "server shutting down")));

        var rest = await downloader.ReceiveAsync(TimeSpan.FromSeconds(60));
        byte[] received = [.. firstPiece.AsSpan(0, started.Count), .. rest.Bytes];
        Assert.That(SHA256.HashData(received), Is.EqualTo(SHA256.HashData(file)), "the file arrived intact");
        Assert.That((await querier.ReceiveAsync(TimeSpan.FromSeconds(60))).Bytes, Is.EqualTo(expectedReply), "the SQL reply arrived intact");

        Assert.That((await downloader.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That((await querier.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));
    }
}
