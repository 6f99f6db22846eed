using System.Net;
using System.Text;
using Websocketfy.Tests.Protocol.Proxy;
using Websocketfy.Tests.Support;
using static Websocketfy.Tests.Integration.ClientAddress.ProxiedGateway;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Integration.ClientAddress;

/// <summary>--proxy-protocol: the daemon behind a load balancer that writes a PROXY header, and what it does
/// with headers that are missing, broken or forged.</summary>
public class ProxyProtocolTests
{
    private const string Images = "id, label, path\n";

    [Test]
    public async Task V2HeaderFromTheTrustedProxy_MakesItsClientTheOneLogged()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 51234));
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            Assert.That(await QueryAsync(client), Does.StartWith(Images));
            await QuitAsync(client);
        }

        string ended = await log.WaitForLineAsync("ended after");
        Assert.That(ended, Does.Contain("connection 203.0.113.7:51234 via 127.0.0.1:"));
    }

    [Test]
    public async Task V1HeaderInPiecesWithTheRequestAndAFrameBehindIt_IsReadExactly()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false, from: Proxy);

        // The header split over three writes, the last one also carrying the upgrade request and a command frame:
        // nothing after the header may be lost or taken as part of it.
        byte[] header = HeaderV1("PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\n");
        await client.SendRawAsync(header[..3]);
        await Task.Delay(50);
        await client.SendRawAsync(header[3..20]);
        await Task.Delay(50);
        await client.SendRawAsync([.. header[20..], .. RawWsClient.UpgradeRequest(), .. RawWsClient.Frame(0x1, "SELECT * FROM images"u8.ToArray())]);

        Assert.That(await client.ReadHttpHeadAsync(), Does.StartWith("HTTP/1.1 101 "));
        var reply = await client.ReadFrameAsync();
        Assert.That(Encoding.UTF8.GetString(reply!.Payload), Does.StartWith(Images));
        await QuitAsync(client);
        Assert.That(await log.WaitForLineAsync("ended after"), Does.Contain("connection [2001:db8::7]:40000 via 127.0.0.1:"));
    }

    [Test]
    public async Task LocalHeaderOfAHealthCheck_KeepsTheProxyAsTheClient()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false, from: Proxy);

        await client.SendRawAsync([.. HeaderV2(CommandLocal, Unspec, []), .. "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8]);

        Assert.That(await client.ReadToEndAsync(), Does.StartWith("HTTP/1.1 200 "));
        Assert.That(await log.WaitForLineAsync("ended after"), Does.Match(@"connection 127\.0\.0\.1:\d+ ended"));
    }

    [TestCase("GET / HTTP/1.1\r\n", "does not start with a PROXY protocol signature", TestName = "Trusted proxy sending HTTP without a header is dropped")]
    [TestCase("PROXY TCP4 203.0.113.7 10.0.0.1 1 2\n", "does not end with CRLF", TestName = "Trusted proxy sending a broken v1 line is dropped")]
    [TestCase("PROXY UNKNOWN " + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "107", TestName = "Trusted proxy sending an endless v1 line is dropped")]
    public async Task TrustedProxyWithoutAValidHeader_IsDroppedWithoutAnAnswerAndLogged(string start, string reason)
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false, from: Proxy);

        await client.SendRawAsync([.. Encoding.ASCII.GetBytes(start), .. RawWsClient.UpgradeRequest()]);

        Assert.That(await client.ReadToEndAsync(), Is.Empty, "a misconfigured proxy gets no HTTP answer, only a closed connection");
        string warning = await log.WaitForLineAsync("dropped: trusted proxy sent no valid PROXY protocol header");
        Assert.That(warning, Does.Contain(reason));
        Assert.That(gateway.Gateway.Metrics.RenderPrometheus(), Does.Contain("websocketfy_proxy_headers_rejected_total 1"));
    }

    [Test]
    public async Task TrustedProxyWithABadV2Version_IsDropped()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false, from: Proxy);

        await client.SendRawAsync([.. HeaderV2(CommandProxy, TcpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 1, 2), version: 1), .. RawWsClient.UpgradeRequest()]);

        Assert.That(await client.ReadToEndAsync(), Is.Empty);
        Assert.That(await log.WaitForLineAsync("dropped: trusted proxy"), Does.Contain("version nibble is 1"));
    }

    [Test]
    public async Task TrustedProxyThatSendsNothing_IsDroppedAtTheHandshakeTimeout()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true, configure: o => o with { HandshakeTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = gateway;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false, from: Proxy);

        Assert.That(await client.ServerClosesTcpAsync(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(await log.WaitForLineAsync("dropped: trusted proxy"), Does.Contain("within handshake-timeout"));
    }

    [TestCase(1, TestName = "Forged v1 header from an untrusted address is refused with 400")]
    [TestCase(2, TestName = "Forged v2 header from an untrusted address is refused with 400")]
    public async Task HeaderFromAnUntrustedAddress_IsRefusedWith400AndLogged(int version)
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;
        byte[] forged = version == 1 ? HeaderV1("PROXY TCP4 203.0.113.7 10.0.0.1 1 2\r\n") : V2From("203.0.113.7", 1);

        var (client, head) = await UpgradeAsync(gateway.Port, Stranger, forged);
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 400 "));
            Assert.That(await client.ReadToEndAsync(), Does.Contain("PROXY protocol header not accepted from this address"));
        }
        Assert.That(await log.WaitForLineAsync("refused: PROXY protocol header"), Does.Contain("127.0.0.2 is not in trusted-proxies"));
        Assert.That(log.SoFar, Does.Not.Contain("203.0.113.7"));
    }

    [Test]
    public async Task HeaderFromATrustedProxyWhenProxyProtocolIsOff_IsRefusedWith400()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: false);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 1));
        using (client) Assert.That(head, Does.StartWith("HTTP/1.1 400 "));
        Assert.That(await log.WaitForLineAsync("refused: PROXY protocol header"), Does.Contain("proxy-protocol is off"));
    }

    [Test]
    public async Task SecondHeaderAfterTheFirst_IsRefusedWith400()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Proxy, [.. V2From("203.0.113.7", 1), .. V2From("198.51.100.1", 1)]);
        using (client) Assert.That(head, Does.StartWith("HTTP/1.1 400 "));
        Assert.That(await log.WaitForLineAsync("refused: PROXY protocol header"), Does.Contain("a second one"));
    }

    [Test]
    public async Task DirectClientWithoutAHeader_IsServedAsBefore()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Stranger, []);
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            await QuitAsync(client);
        }
        Assert.That(await log.WaitForLineAsync("ended after"), Does.Match(@"connection 127\.0\.0\.2:\d+ ended"));
    }

    [Test]
    public async Task XForwardedForBehindAProxyHeader_IsIgnored()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 5), "X-Forwarded-For: 198.51.100.1\r\n");
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            await QuitAsync(client);
        }
        Assert.That(await log.WaitForLineAsync("ended after"), Does.Contain("connection 203.0.113.7:5 via"));
    }

    [Test]
    public async Task HeaderBeforeTls_IsReadOnTheRawConnection_ThenTlsAndTheUpgradeFollow()
    {
        using var pki = new TestPki();
        var (gateway, log) = await StartWithTlsAsync(pki);
        await using var _ = gateway;

        using (var client = await RawWsClient.ConnectTlsAsync(gateway.Port, Proxy, beforeTls: V2From("203.0.113.7", 4433)))
        {
            Assert.That(await QueryAsync(client), Does.StartWith(Images));
            await QuitAsync(client);
        }
        Assert.That(await log.WaitForLineAsync("ended after"), Does.Contain("connection 203.0.113.7:4433 via 127.0.0.1:"));
    }

    [Test]
    public async Task HeaderFromAnUntrustedAddressOnATlsPort_IsRefusedAsPlainTextAndLogged()
    {
        using var pki = new TestPki();
        var (gateway, log) = await StartWithTlsAsync(pki);
        await using var _ = gateway;

        var (client, head) = await UpgradeAsync(gateway.Port, Stranger, V2From("203.0.113.7", 1));
        using (client) Assert.That(head, Does.StartWith("HTTP/1.1 400 "));
        Assert.That(await log.WaitForLineAsync("refused: PROXY protocol header"), Does.Contain("127.0.0.2 is not in trusted-proxies"));
    }

    [Test]
    public async Task PerAddressLimit_CountsTheClientsTheProxyNames_NotTheProxy()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: true, configure: o => o with { MaxConnectionsPerIp = 2 });
        await using var _ = gateway;
        var open = new List<RawWsClient>();
        try
        {
            // Two from one client fill its share; a third from it is refused; others still get in, though
            // every connection comes from the same proxy address.
            for (int i = 0; i < 2; i++)
            {
                var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 1000 + i));
                open.Add(client);
                Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            }
            var (refused, refusedHead) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 1002));
            open.Add(refused);
            Assert.That(refusedHead, Does.StartWith("HTTP/1.1 503 "));
            Assert.That(refusedHead, Does.Contain("Retry-After: 5"));
            Assert.That(await log.WaitForLineAsync("refused: max-connections-per-ip"), Does.Contain("for 203.0.113.7"));

            for (int i = 0; i < 3; i++)
            {
                var (other, head) = await UpgradeAsync(gateway.Port, Proxy, V2From($"198.51.100.{i + 1}", 2000 + i));
                open.Add(other);
                Assert.That(head, Does.StartWith("HTTP/1.1 101 "), $"client 198.51.100.{i + 1}");
                Assert.That(await QueryAsync(other), Does.StartWith(Images));
            }
        }
        finally
        {
            foreach (var client in open) client.Dispose();
        }
    }

    [Test]
    public async Task SlotOfAClientThatLeft_IsFreeAgain()
    {
        var (gateway, _) = await StartAsync(proxyProtocol: true, configure: o => o with { MaxConnectionsPerIp = 1 });
        await using var __ = gateway;

        for (int round = 0; round < 3; round++)
        {
            var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 3000 + round));
            using (client)
            {
                Assert.That(head, Does.StartWith("HTTP/1.1 101 "), $"round {round}");
                await QuitAsync(client);
            }
            await Wait.ForAsync(() => gateway.Gateway.SessionCount == 0, "the connection to be forgotten");
        }
    }

    private static Task<(GatewayHarness Gateway, OutputLines Log)> StartWithTlsAsync(TestPki pki)
    {
        var credentials = pki.Issue();
        return StartAsync(proxyProtocol: true,
            configure: o => o with { TlsCertificate = credentials.CertificatePath, TlsKey = credentials.KeyPath });
    }
}
