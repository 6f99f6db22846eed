using static Websocketfy.Tests.Integration.ClientAddress.ProxiedGateway;

namespace Websocketfy.Tests.Integration.ClientAddress;

/// <summary>Without --proxy-protocol, a trusted reverse proxy (nginx terminating HTTP) names the client in
/// X-Forwarded-For; anyone else's X-Forwarded-For is ignored.</summary>
public class XForwardedForTests
{
    private static async Task<string> LoggedPeerAsync(int port, System.Net.IPAddress from, string forwardedFor, Support.OutputLines log)
    {
        var (client, head) = await UpgradeAsync(port, from, [], $"X-Forwarded-For: {forwardedFor}\r\n");
        using (client)
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 101 "));
            await QuitAsync(client);
        }
        return await log.WaitForLineAsync("ended after");
    }

    [Test]
    public async Task FromTheTrustedProxy_TheRightmostUntrustedAddressIsTheClient()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: false, trusted: "127.0.0.1, 10.0.0.0/8");
        await using var _ = gateway;

        // 198.51.100.9 was written by the client itself; 203.0.113.7 by the first trusted proxy (10.0.0.2),
        // which reached us through 127.0.0.1.
        string ended = await LoggedPeerAsync(gateway.Port, Proxy, "198.51.100.9, 203.0.113.7, 10.0.0.2", log);

        Assert.That(ended, Does.Match(@"connection 203\.0\.113\.7 via 127\.0\.0\.1:\d+ ended"));
    }

    [Test]
    public async Task FromAnUntrustedAddress_IsIgnored()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: false);
        await using var _ = gateway;

        string ended = await LoggedPeerAsync(gateway.Port, Stranger, "203.0.113.7", log);

        Assert.That(ended, Does.Match(@"connection 127\.0\.0\.2:\d+ ended"));
        Assert.That(log.SoFar, Does.Not.Contain("203.0.113.7"));
    }

    [Test]
    public async Task ForgedChainWithOnlyTrustedLookingEntries_NamesTheLeftmost()
    {
        // Every entry is a trusted proxy: the farthest one the chain reaches is the best the proxies vouch for.
        var (gateway, log) = await StartAsync(proxyProtocol: false, trusted: "127.0.0.1, 10.0.0.0/8");
        await using var _ = gateway;

        Assert.That(await LoggedPeerAsync(gateway.Port, Proxy, "10.9.9.9, 10.0.0.2", log), Does.Contain("connection 10.9.9.9 via"));
    }

    [Test]
    public async Task GarbageEntryBehindTrustedHops_LeavesTheNearestTrustedHop()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: false, trusted: "127.0.0.1, 10.0.0.0/8");
        await using var _ = gateway;

        Assert.That(await LoggedPeerAsync(gateway.Port, Proxy, "203.0.113.7, unknown, 10.0.0.2", log), Does.Contain("connection 10.0.0.2 via"));
    }

    [Test]
    public async Task PerAddressLimit_CountsTheForwardedClient()
    {
        var (gateway, log) = await StartAsync(proxyProtocol: false, configure: o => o with { MaxConnectionsPerIp = 1 });
        await using var _ = gateway;

        var (first, firstHead) = await UpgradeAsync(gateway.Port, Proxy, [], "X-Forwarded-For: 203.0.113.7\r\n");
        var (second, secondHead) = await UpgradeAsync(gateway.Port, Proxy, [], "X-Forwarded-For: 203.0.113.7\r\n");
        var (other, otherHead) = await UpgradeAsync(gateway.Port, Proxy, [], "X-Forwarded-For: 203.0.113.8\r\n");
        using (first) using (second) using (other)
        {
            Assert.That(firstHead, Does.StartWith("HTTP/1.1 101 "));
            Assert.That(secondHead, Does.StartWith("HTTP/1.1 503 "));
            Assert.That(otherHead, Does.StartWith("HTTP/1.1 101 "));
        }
        Assert.That(await log.WaitForLineAsync("refused: max-connections-per-ip"), Does.Contain("for 203.0.113.7"));
    }
}
