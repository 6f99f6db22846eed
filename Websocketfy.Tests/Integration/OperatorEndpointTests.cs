using System.Net;
using System.Net.WebSockets;
using Websocketfy.Tests.Hardening;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>/healthz and /metrics of the real daemon over loopback: the health JSON and its statuses, the
/// Prometheus exposition after real traffic, and who is served where (main port or ops-bind).</summary>
[TestFixture]
public sealed class OperatorEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Polls /healthz until <paramref name="until"/> holds for its answer.</summary>
    private static async Task<HttpAnswer> HealthAsync(int port, Func<HttpAnswer, bool> until)
    {
        var answer = await Wait.ForValueAsync(() => HttpAnswer.GetAsync(port, "/healthz"), until, Patience);
        if (!until(answer)) Assert.Fail("/healthz never got there; last answer: " + answer.Body);
        return answer;
    }

    private static string? SirenState(HttpAnswer answer) => answer.Json.GetProperty("siren").GetProperty("state").GetString();

    [Test]
    public async Task Healthz_IsOk_AsJson_CountingWebSocketConnections()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        var health = await HealthAsync(gateway.Port, a => SirenState(a) == "up");
        Assert.That(health.Status, Is.EqualTo(200));
        Assert.That(health.Headers["Content-Type"], Is.EqualTo("application/json"));
        Assert.That(health.Json.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(health.Json.GetProperty("connections").GetInt64(), Is.EqualTo(0), "the health check itself is not a WebSocket connection");
        Assert.That(health.Json.GetProperty("uptime_seconds").GetInt64(), Is.GreaterThanOrEqualTo(0));

        await using var first = await gateway.ConnectAsync();
        await using var second = await gateway.ConnectAsync();
        health = await HealthAsync(gateway.Port, a => a.Json.GetProperty("connections").GetInt64() == 2);
        Assert.That(health.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task SirenDown_IsDegraded_Still200_WithItsError_AndFilesAreStillServed()
    {
        await using var gateway = await GatewayHarness.StartAsync(startSiren: false, populate: t => t.Write("a.dcm", [1, 2, 3]));
        var health = await HealthAsync(gateway.Port, a => SirenState(a) == "down");
        Assert.That(health.Status, Is.EqualTo(200));
        Assert.That(health.Json.GetProperty("status").GetString(), Is.EqualTo("degraded"));
        Assert.That(health.Json.GetProperty("siren").GetProperty("last_error").GetString(), Is.Not.Empty);
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST a.dcm")).Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(PrometheusText.Parse((await HttpAnswer.GetAsync(gateway.Port, "/metrics")).Body).Value("websocketfy_siren_up"), Is.EqualTo(0));
    }

    [Test]
    public async Task SirenGoingAwayAndComingBack_WithoutClientTraffic_IsNoticedByTheProbe()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenProbeInterval = TimeSpan.FromMilliseconds(200) });
        await HealthAsync(gateway.Port, a => SirenState(a) == "up");

        await gateway.Siren.StopAsync();
        var down = await HealthAsync(gateway.Port, a => SirenState(a) == "down");
        Assert.That((down.Status, down.Json.GetProperty("status").GetString()), Is.EqualTo((200, "degraded")));

        gateway.Siren.Start();
        var up = await HealthAsync(gateway.Port, a => SirenState(a) == "up");
        Assert.That(up.Json.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(up.Json.GetProperty("siren").GetProperty("last_error").GetString(), Is.Not.Empty, "the last error stays for the operator");
    }

    [Test]
    public async Task SirenFailingACommand_IsDown_UntilACommandSucceeds()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenProbeInterval = TimeSpan.Zero },
                                                                 peer: new SirenPeerOptions { Fault = SirenFault.CloseMidReply });
        await using var client = await gateway.ConnectAsync();
        await client.RequestAsync("SELECT * FROM images");
        var down = await HealthAsync(gateway.Port, a => SirenState(a) == "down");
        Assert.That(down.Json.GetProperty("siren").GetProperty("last_error").GetString(), Does.Contain("closed the connection"));

        gateway.Siren.Fault = SirenFault.None;
        await using var next = await gateway.ConnectAsync();
        Assert.That((await next.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        await HealthAsync(gateway.Port, a => SirenState(a) == "up");
    }

    [Test]
    public async Task ReloadToAnotherSirenAddress_ForgetsTheOldState_AndChecksTheNewOneAtOnce()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenProbeInterval = TimeSpan.Zero });
        await HealthAsync(gateway.Port, a => SirenState(a) == "up");
        int deadPort = DaemonProcess.FreePort();
        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { SirenPort = deadPort });
        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        var down = await HealthAsync(gateway.Port, a => SirenState(a) == "down");
        Assert.That(down.Json.GetProperty("status").GetString(), Is.EqualTo("degraded"));

        outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { SirenPort = gateway.Siren.Port });
        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        await HealthAsync(gateway.Port, a => SirenState(a) == "up");
    }

    [Test]
    public async Task RootGone_Is503Unavailable()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await HealthAsync(gateway.Port, a => a.Status == 200);
        Directory.Delete(gateway.Files.Root, recursive: true);
        var health = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        Assert.That(health.Status, Is.EqualTo(503));
        Assert.That(health.Json.GetProperty("status").GetString(), Is.EqualTo("unavailable"));
        Assert.That(health.Json.GetProperty("root").GetProperty("error").GetString(), Does.Contain("does not exist"));
    }

    [Test]
    public async Task Metrics_AfterFilesSqlAndFailures_AreAValidExposition_ThatCountsThem()
    {
        byte[] big = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(big);
        await using var gateway = await GatewayHarness.StartAsync(
            o => o with { AllowedOrigins = ["https://viewer.example.org"], SirenProbeInterval = TimeSpan.Zero },
            populate: t => { t.Write("small.dcm", new byte[564]); t.Write("big.bin", big); });
        await using (var client = await gateway.ConnectAsync())
        {
            Assert.That((await client.RequestAsync("REQUEST small.dcm")).Bytes, Has.Length.EqualTo(564));
            Assert.That((await client.RequestAsync("REQUEST big.bin")).Bytes, Has.Length.EqualTo(big.Length));
            Assert.That((await client.RequestAsync("REQUEST missing.dcm")).Text, Is.EqualTo("File not found!"));
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
            Assert.That((await client.RequestAsync("FOO BAR")).Text, Does.StartWith("Command failed."));
            Assert.That((await client.RequestAsync(" ")).Bytes, Is.Empty);
        }
        string upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
        Assert.That((await HttpAnswer.ExchangeAsync(gateway.Port, upgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n")).Status, Is.EqualTo(400));
        Assert.That((await HttpAnswer.ExchangeAsync(gateway.Port, upgrade + "Origin: https://evil.example\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")).Status, Is.EqualTo(403));
        Assert.That((await HttpAnswer.ExchangeAsync(gateway.Port, upgrade + "Origin: https://evil.example\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")).Status, Is.EqualTo(403));
        await gateway.Siren.StopAsync();
        await using (var client = await gateway.ConnectAsync())
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("Command failed.\nSiREN server is unavailable.\n"));
        await Wait.ForAsync(() => gateway.Gateway.Metrics.ActiveConnections == 0, "no active connection", Patience);

        var answer = await HttpAnswer.GetAsync(gateway.Port, "/metrics");
        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(answer.Headers["Content-Type"], Is.EqualTo("text/plain; version=0.0.4; charset=utf-8"));
        var metrics = PrometheusText.Parse(answer.Body);

        Assert.That(metrics.Value("websocketfy_commands_total", ("kind", "file")), Is.EqualTo(3));
        Assert.That(metrics.Value("websocketfy_command_duration_seconds_count", ("kind", "file")), Is.EqualTo(3));
        Assert.That(metrics.Value("websocketfy_command_duration_seconds_count", ("kind", "sql")), Is.EqualTo(3));
        Assert.That(metrics.Value("websocketfy_command_duration_seconds_count", ("kind", "blank")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_command_duration_seconds_sum", ("kind", "file")), Is.GreaterThan(0));
        Assert.That(metrics.Value("websocketfy_file_size_bytes_count"), Is.EqualTo(2), "files sent, not refused");
        Assert.That(metrics.Value("websocketfy_file_size_bytes_bucket", ("le", "1024")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_file_size_bytes_bucket", ("le", "4194304")), Is.EqualTo(2));
        Assert.That(metrics.Value("websocketfy_file_size_bytes_sum"), Is.EqualTo(564 + big.Length));
        Assert.That(metrics.Value("websocketfy_siren_reply_duration_seconds_count"), Is.EqualTo(2), "SELECT 1 and FOO BAR got whole replies");
        Assert.That(metrics.Value("websocketfy_sql_failures_total"), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_files_not_found_total"), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_handshakes_failed_total", ("status", "400")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_handshakes_failed_total", ("status", "403")), Is.EqualTo(2));
        Assert.That(metrics.Value("websocketfy_siren_up"), Is.EqualTo(0));
        Assert.That(metrics.Value("websocketfy_backend_connections_busy"), Is.EqualTo(0));
        Assert.That(metrics.Value("websocketfy_backend_commands_waiting"), Is.EqualTo(0));
        Assert.That(metrics.Value("websocketfy_sessions_open"), Is.EqualTo(0));
        Assert.That(metrics.Value("websocketfy_tls_handshakes_total", ("outcome", "succeeded")), Is.EqualTo(0));
    }

    [Test]
    public async Task PoolGauges_ShowBusyConnectionsAndWaitingCommands()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenPoolSize = 1, SirenProbeInterval = TimeSpan.Zero },
                                                                 peer: new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        await using var first = await gateway.ConnectAsync();
        await using var second = await gateway.ConnectAsync();
        await first.SendTextAsync("SELECT 1");
        await gateway.Siren.WaitForCommandsAsync(1, Patience);
        await second.SendTextAsync("SELECT 2");
        Assert.That(await Wait.UntilAsync(async () =>
        {
            var metrics = PrometheusText.Parse((await HttpAnswer.GetAsync(gateway.Port, "/metrics")).Body);
            return metrics.Value("websocketfy_backend_connections_busy") == 1 && metrics.Value("websocketfy_backend_commands_waiting") == 1
                && metrics.Value("websocketfy_backend_connections_open") == 1;
        }, Patience), Is.True, "/metrics shows one connection busy, one command waiting");
    }

    [Test]
    public async Task HeadAndOtherMethods_OnTheEndpoints()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        var head = await HttpAnswer.GetAsync(gateway.Port, "/metrics", method: "HEAD");
        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(head.Body, Is.Empty);
        Assert.That(int.Parse(head.Headers["Content-Length"]), Is.GreaterThan(1000), "the length the GET body would have");
        Assert.That((await HttpAnswer.GetAsync(gateway.Port, "/healthz", method: "POST")).Status, Is.EqualTo(405));
        Assert.That((await HttpAnswer.GetAsync(gateway.Port, "/healthz?verbose=1")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task AnyLoopbackAddress_IsServed_NotOnly127001()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Bind = IPAddress.IPv6Any });
        var answer = await HttpAnswer.ExchangeAsync(gateway.Port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", from: "127.0.0.2");
        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
    }

    [Test]
    public async Task OpsBind_ServesTheEndpointsOnItsOwnListener_AndTheMainPortNoLonger()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { OpsBind = new IPEndPoint(IPAddress.Loopback, 0) });
        int ops = gateway.Gateway.OpsPort!.Value;
        Assert.That(ops, Is.Not.EqualTo(gateway.Port));

        var hidden = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        var unknown = await HttpAnswer.GetAsync(gateway.Port, "/nothing-here");
        Assert.That(hidden.Status, Is.EqualTo(404));
        Assert.That(hidden, Is.EqualTo(unknown).Using<HttpAnswer>((a, b) => a.Body == b.Body && a.Status == b.Status),
                    "the main port answers as for any unknown path");
        Assert.That((await HttpAnswer.GetAsync(gateway.Port, "/metrics")).Status, Is.EqualTo(404));

        var health = await HealthAsync(ops, a => a.Status == 200);
        Assert.That(health.Json.GetProperty("status").GetString(), Is.AnyOf("ok", "degraded"));
        var metrics = await HttpAnswer.GetAsync(ops, "/metrics");
        Assert.That(metrics.Status, Is.EqualTo(200));
        Assert.That(PrometheusText.Parse(metrics.Body).Family("websocketfy_commands_total").Type, Is.EqualTo("counter"));
        Assert.That((await HttpAnswer.GetAsync(ops, "/")).Status, Is.EqualTo(404));
        var upgrade = await HttpAnswer.ExchangeAsync(ops, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        Assert.That(upgrade.Status, Is.EqualTo(404), "the ops listener does not upgrade");
        Assert.That((await HttpAnswer.ExchangeAsync(ops, "garbage\r\n\r\n")).Status, Is.EqualTo(400));

        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"), "WebSocket clients are unaffected");
    }

    [Test]
    public async Task Stop_KeepsThePortAnswering503_WhileATransferInFlightFinishes()
    {
        byte[] file = new byte[16 * 1024 * 1024];
        new Random(11).NextBytes(file);
        await using var gateway = await GatewayHarness.StartAsync(populate: t => t.Write("big.bin", file));
        await using var downloader = await gateway.ConnectAsync();
        await downloader.SendTextAsync("REQUEST big.bin");
        var firstPiece = new byte[64 * 1024];
        var started = await downloader.Socket.ReceiveAsync(firstPiece, CancellationToken.None);
        Assert.That(started.EndOfMessage, Is.False, "the transfer must be in flight when the drain begins");

        int port = gateway.Port;
        Task stopping = gateway.Gateway.StopAsync();

        var health = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        Assert.That(health.Status, Is.EqualTo(503));
        Assert.That(health.Json.GetProperty("status").GetString(), Is.EqualTo("draining"));
        var upgrade = await HttpAnswer.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        Assert.That(upgrade.Status, Is.EqualTo(503));
        Assert.That(upgrade.Headers["Retry-After"], Is.EqualTo("5"));
        Assert.That(stopping.IsCompleted, Is.False);

        var rest = await downloader.ReceiveAsync(TimeSpan.FromSeconds(60));
        Assert.That(started.Count + rest.Bytes.Length, Is.EqualTo(file.Length), "the transfer completed");
        var end = await downloader.ReceiveAsync();
        Assert.That((end.CloseStatus, end.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable, "server shutting down")));
        await stopping.WaitAsync(Patience);
        Assert.That(MetricSeries.Read(gateway.Gateway.Metrics, "websocketfy_handshakes_failed_total{status=\"503\"}"), Is.EqualTo(1));
        Assert.That(async () => await HttpAnswer.GetAsync(port, "/healthz"), Throws.InstanceOf<System.Net.Sockets.SocketException>(),
                    "once drained the port is closed");
    }
}
