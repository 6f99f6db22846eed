using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>sd_notify on the real process, read from a NOTIFY_SOCKET as systemd would: READY=1, STATUS= kept
/// current (connections, SiREN up or down), then on SIGTERM STOPPING=1 while /healthz answers 503 and the
/// transfer in flight finishes.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SystemdNotifyTests
{
    /// <summary>A datagram socket standing in for systemd's notification socket; keeps every message received.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        private readonly List<string> _messages = [];
        private readonly TempTree _directory = new();
        private readonly Task _receiving;

        public NotifySocket()
        {
            Path = System.IO.Path.Combine(_directory.Root, "notify");
            _socket.Bind(new UnixDomainSocketEndPoint(Path));
            _receiving = ReceiveAsync();
        }

        public string Path { get; }

        public string All { get { lock (_messages) return string.Join("\n---\n", _messages); } }

        private async Task ReceiveAsync()
        {
            byte[] buffer = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                    lock (_messages) _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }

        /// <summary>The first message (from the start) that <paramref name="matches"/>.</summary>
        public async Task<string> WaitForAsync(Func<string, bool> matches)
        {
            string? found = await Wait.ForValueAsync(() => { lock (_messages) return _messages.FirstOrDefault(matches); }, m => m is not null);
            if (found is null) Assert.Fail("no such notification; received:\n" + All);
            return found!;
        }

        public void Dispose()
        {
            _socket.Dispose();
            _receiving.Wait(TimeSpan.FromSeconds(5));
            _directory.Dispose();
        }
    }

    [Test]
    public async Task ReadyStatusAndStopping_FollowConnectionsSirenAndTheDrain()
    {
        using var notify = new NotifySocket();
        await using var siren = new SirenPeerServer();
        siren.Start();
        using var root = new TempTree();
        byte[] file = new byte[16 * 1024 * 1024];
        new Random(5).NextBytes(file);
        root.Write("big.bin", file);
        await using var daemon = DaemonProcess.Start(
            ["--bind", "127.0.0.1", "--port", "0", "--siren", $"127.0.0.1:{siren.Port}", "--root", root.Root, "--siren-probe-interval", "200ms"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path });
        int port = await daemon.WaitUntilListeningAsync();

        string ready = await notify.WaitForAsync(m => m.Contains("READY=1"));
        Assert.That(ready, Does.Contain("STATUS=serving 0 connections, SiREN "));
        await notify.WaitForAsync(m => m == "STATUS=serving 0 connections, SiREN up" || m.EndsWith("STATUS=serving 0 connections, SiREN up"));

        await using var idle = await WsClient.ConnectAsync(port);
        await using var downloader = await WsClient.ConnectAsync(port);
        await notify.WaitForAsync(m => m == "STATUS=serving 2 connections, SiREN up");

        await siren.StopAsync();
        string down = await notify.WaitForAsync(m => m.StartsWith("STATUS=serving 2 connections, SiREN down (", StringComparison.Ordinal));
        Assert.That(down, Does.EndWith(")"), "with the error");

        await downloader.SendTextAsync("REQUEST big.bin");
        var firstPiece = new byte[64 * 1024];
        var started = await downloader.Socket.ReceiveAsync(firstPiece, CancellationToken.None);
        Assert.That(started.EndOfMessage, Is.False, "the transfer must be in flight when SIGTERM arrives");
        daemon.Terminate();

        string stopping = await notify.WaitForAsync(m => m.Contains("STOPPING=1"));
        Assert.That(stopping, Does.Contain("STATUS=draining "));
        var health = await HttpAnswer.GetAsync(port, "/healthz");
        Assert.That((health.Status, health.Json.GetProperty("status").GetString()), Is.EqualTo((503, "draining")));
        Assert.That((await idle.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));

        var rest = await downloader.ReceiveAsync(TimeSpan.FromSeconds(60));
        Assert.That(started.Count + rest.Bytes.Length, Is.EqualTo(file.Length));
        Assert.That((await downloader.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        await daemon.AssertExitsCleanlyAsync();
    }
}
