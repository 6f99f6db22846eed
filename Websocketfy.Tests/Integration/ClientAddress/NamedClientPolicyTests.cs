using System.Text;
using System.Text.Json;
using Websocketfy.Tests.Integration.Access;
using Websocketfy.Tests.Support;
using static Websocketfy.Tests.Integration.ClientAddress.ProxiedGateway;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Integration.ClientAddress;

/// <summary>
/// The client a trusted proxy names is the one every per-client rule sees, not the proxy: the
/// operator-endpoint policy, the brute-force brake and the audit trail (max-connections-per-ip:
/// ProxyProtocolTests, XForwardedForTests). The proxy is on loopback, its clients are not.
/// </summary>
public sealed class NamedClientPolicyTests
{
    private static async Task<string> AnswerAsync(int port, byte[] prefix, string request)
    {
        using var client = await RawWsClient.ConnectAsync(port, upgrade: false, from: Proxy);
        await client.SendRawAsync([.. prefix, .. Encoding.ASCII.GetBytes(request)]);
        return await client.ReadToEndAsync();
    }

    [Test]
    public async Task ARelayedClient_IsNotServedTheOperatorEndpoints_ThoughTheProxyIsLocal()
    {
        var (gateway, _) = await StartAsync(proxyProtocol: true);
        await using var __ = gateway;

        foreach (string path in new[] { "/healthz", "/metrics" })
        {
            string relayed = await AnswerAsync(gateway.Port, V2From("203.0.113.7", 4000), $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.That(relayed, Does.StartWith("HTTP/1.1 404 "), path + " for a client the PROXY header names");
            string local = await AnswerAsync(gateway.Port, V2From("127.0.0.9", 4001), $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.That(local, Does.StartWith("HTTP/1.1 200 "), path + " for a client on this machine, relayed");
        }
    }

    [Test]
    public async Task AClientNamedInXForwardedFor_IsNotServedTheOperatorEndpoints()
    {
        var (gateway, _) = await StartAsync(proxyProtocol: false);
        await using var __ = gateway;

        string relayed = await AnswerAsync(gateway.Port, [], "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n");
        Assert.That(relayed, Does.StartWith("HTTP/1.1 404 "));
        string proxyItself = await AnswerAsync(gateway.Port, [], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.That(proxyItself, Does.StartWith("HTTP/1.1 200 "), "the proxy's own request, from loopback");
    }

    [Test]
    public async Task TheBruteForceBrake_BlocksTheNamedClient_NotOthersBehindTheSameProxy()
    {
        using var tokens = new TokenSet();
        var (gateway, _) = await StartAsync(proxyProtocol: true, configure: tokens.Configure);
        await using var __ = gateway;

        for (int i = 0; i < 10; i++)
        {
            var (guess, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 5000 + i), $"Authorization: Bearer guess{i}\r\n");
            guess.Dispose();
            Assert.That(head, Does.StartWith("HTTP/1.1 401 "), $"guess {i}");
        }
        string good = $"Authorization: Bearer {tokens["viewer"]}\r\n";
        var (blocked, blockedHead) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 5100), good);
        blocked.Dispose();
        Assert.That(blockedHead, Does.StartWith("HTTP/1.1 429 "), "the guessing client is blocked, even with a good token");

        var (other, otherHead) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.8", 5200), good);
        using (other)
        {
            Assert.That(otherHead, Does.StartWith("HTTP/1.1 101 "), "another client behind the same proxy is not");
            Assert.That(await QueryAsync(other), Does.StartWith("id, label, path\n"));
        }
    }

    [Test]
    public async Task TheAuditTrail_RecordsTheNamedClient()
    {
        using var dir = new TempTree();
        string auditPath = Path.Combine(dir.Root, "audit.log");
        var (gateway, _) = await StartAsync(proxyProtocol: true, configure: o => o with { AuditLog = auditPath });
        var (client, head) = await UpgradeAsync(gateway.Port, Proxy, V2From("203.0.113.7", 6000));
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            Assert.That(await QueryAsync(client), Does.StartWith("id, label, path\n"));
            await QuitAsync(client);
        }
        await gateway.DisposeAsync(); // the graceful stop writes the trail out

        var lines = File.ReadAllLines(auditPath).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.That(lines.Select(l => l.GetProperty("event").GetString()), Is.EqualTo(new[] { "connect", "sql", "quit" }));
        Assert.That(lines.Select(l => l.GetProperty("client").GetString()), Has.All.EqualTo("203.0.113.7"));
    }
}
