using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>require-origin: upgrade requests without an Origin header are refused with 403 (browsers always
/// send one; the guard is against pages of other sites, checked by the allow-list).</summary>
[TestFixture]
public sealed class RequireOriginTests
{
    private static async Task<string> HandshakeAsync(int port, string extraHeaders = "")
    {
        using var client = await RawWsClient.ConnectAsync(port, upgrade: false);
        await client.SendRawAsync(RawWsClient.UpgradeRequest(extraHeaders));
        return await client.ReadHttpHeadAsync();
    }

    [Test]
    public async Task RequireOrigin_RefusesAnUpgradeWithoutOrigin_With403()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { RequireOrigin = true });
        Assert.That(await HandshakeAsync(gateway.Port), Does.StartWith("HTTP/1.1 403 "));
        Assert.That(MetricSeries.Read(gateway.Gateway.Metrics, "websocketfy_handshakes_failed_total{status=\"403\"}"), Is.EqualTo(1));
    }

    [Test]
    public async Task RequireOrigin_WithoutAnAllowList_LetsAnyOriginUpgrade()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { RequireOrigin = true });
        await using var client = await WsClient.ConnectAsync(gateway.Port, configure: o => o.SetRequestHeader("Origin", "https://viewer.example.org"));
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task RequireOrigin_WithAnAllowList_RefusesMissingAndUnlistedOrigins_UpgradesListedOnes()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with
        {
            RequireOrigin = true,
            AllowedOrigins = ["https://viewer.example.org"],
        });
        Assert.That(await HandshakeAsync(gateway.Port), Does.StartWith("HTTP/1.1 403 "));
        Assert.That(await HandshakeAsync(gateway.Port, "Origin: https://evil.example\r\n"), Does.StartWith("HTTP/1.1 403 "));
        Assert.That(await HandshakeAsync(gateway.Port, "Origin: https://viewer.example.org\r\n"), Does.StartWith("HTTP/1.1 101 "));
    }

    [Test]
    public async Task WithoutRequireOrigin_AnUpgradeWithoutOrigin_IsServed()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { RequireOrigin = false });
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
    }
}
