using System.Net;
using System.Net.Sockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>The deployment the ops listener is for: the main port speaks TLS, a scraper reads /metrics and
/// /healthz in plain HTTP on --ops-bind, and TLS handshakes are counted by outcome.</summary>
[TestFixture]
public sealed class TlsMetricsTests
{
    [Test]
    public async Task TlsHandshakes_AreCountedByOutcome_AndScrapedFromTheOpsListener()
    {
        using var pki = new TestPki();
        var credentials = pki.Issue();
        await using var gateway = await GatewayHarness.StartAsync(o => o with
        {
            TlsCertificate = credentials.CertificatePath,
            TlsKey = credentials.KeyPath,
            OpsBind = new IPEndPoint(IPAddress.Loopback, 0),
        });
        int ops = gateway.Gateway.OpsPort!.Value;

        await using (var client = await WssClient.ConnectAsync(gateway.Port, pki))
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));

        // A ClientHello cut short: the start of a TLS record, then the client leaves.
        using (var quitter = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await quitter.ConnectAsync("127.0.0.1", gateway.Port);
            await quitter.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x40, 0x01 }, SocketFlags.None);
            quitter.Shutdown(SocketShutdown.Send);
            while (await quitter.ReceiveAsync(new byte[256], SocketFlags.None) > 0) { }
        }
        // Plain HTTP to the TLS port gets its readable 400.
        var plain = await HttpAnswer.ExchangeAsync(gateway.Port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.That(plain.Status, Is.EqualTo(400));

        static double FailedHandshakes(HttpAnswer answer) =>
            PrometheusText.Parse(answer.Body).Value("websocketfy_tls_handshakes_total", ("outcome", "failed"));
        var answer = await Wait.ForValueAsync(() => HttpAnswer.GetAsync(ops, "/metrics"), a => a.Status != 200 || FailedHandshakes(a) >= 1);
        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(FailedHandshakes(answer), Is.GreaterThanOrEqualTo(1), "the failed handshake was never counted:\n" + answer.Body);
        PrometheusText metrics = PrometheusText.Parse(answer.Body);
        Assert.That(metrics.Value("websocketfy_tls_handshakes_total", ("outcome", "succeeded")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_tls_handshakes_total", ("outcome", "failed")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_handshakes_failed_total", ("status", "400")), Is.EqualTo(1));
        Assert.That(metrics.Value("websocketfy_commands_total", ("kind", "sql")), Is.EqualTo(1));

        var health = await HttpAnswer.GetAsync(ops, "/healthz");
        Assert.That((health.Status, health.Json.GetProperty("status").GetString()), Is.EqualTo((200, "ok")));
    }
}
