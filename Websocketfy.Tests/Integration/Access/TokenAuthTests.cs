using System.Net.WebSockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>--auth token through the real daemon over loopback: every carrier, every refusal, the metrics.</summary>
public sealed class TokenAuthTests
{
    private TokenSet _tokens = null!;
    private ManualClock _clock = null!;
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _tokens = new TokenSet();
        _clock = new ManualClock();
        _gateway = await GatewayHarness.StartAsync(_tokens.Configure, clock: _clock, populate: t => t.Write("a.dcm", [1, 2, 3]));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        _tokens.Dispose();
    }

    private string Metrics => _gateway.Gateway.Metrics.RenderPrometheus();

    [Test]
    public async Task BearerHeader_Connects()
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task AccessTokenParameter_Connects()
    {
        await using var client = await WsClient.ConnectAsync(_gateway.Port, "/ws?access_token=" + _tokens["viewer"]);
        Assert.That((await client.RequestAsync("REQUEST a.dcm")).Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Cookie_Connects()
    {
        await using var client = await WsClient.ConnectAsync(_gateway.Port, "/", o =>
        {
            o.Cookies = new System.Net.CookieContainer();
            o.Cookies.Add(new Uri($"http://127.0.0.1:{_gateway.Port}/"), new System.Net.Cookie("websocketfy_token", _tokens["admin"]));
        });
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task NoCredential_Gets401_WithABareChallenge()
    {
        var answer = await Upgrade.TryAsync(_gateway.Port);
        Assert.That(answer.Status, Is.EqualTo(401));
        Assert.That(answer.Header("WWW-Authenticate"), Is.EqualTo("Bearer realm=\"websocketfy\""));
        Assert.That(answer.Body, Does.StartWith("Authentication required"));
        Assert.That(Metrics, Does.Contain("websocketfy_auth_failures_total{reason=\"missing\"} 1\n"));
    }

    [TestCase("Authorization: Bearer not-a-known-token\r\n", "/")]
    [TestCase("", "/?access_token=not-a-known-token")]
    [TestCase("Cookie: websocketfy_token=not-a-known-token\r\n", "/")]
    [TestCase("Authorization: Bearer a b\r\n", "/")]
    public async Task UnknownOrMalformedToken_Gets401_InvalidToken(string headers, string target)
    {
        var answer = await Upgrade.TryAsync(_gateway.Port, headers, target);
        Assert.That(answer.Status, Is.EqualTo(401));
        Assert.That(answer.Header("WWW-Authenticate"), Is.EqualTo("Bearer realm=\"websocketfy\", error=\"invalid_token\""));
        Assert.That(Metrics, Does.Contain("websocketfy_auth_failures_total{reason=\"invalid\"} 1\n"));
    }

    [Test]
    public async Task ValidIdentity_WhoseRoleAllowsNothing_Gets403()
    {
        var answer = await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_tokens["nothing"]}\r\n");
        Assert.That(answer.Status, Is.EqualTo(403));
        Assert.That(answer.Header("WWW-Authenticate"), Is.EqualTo("Bearer realm=\"websocketfy\", error=\"insufficient_scope\""));
        Assert.That(Metrics, Does.Contain("websocketfy_auth_failures_total{reason=\"forbidden\"} 1\n"));
    }

    [Test]
    public async Task PlainHttpEndpoints_NeedNoCredential()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port, upgrade: false);
        await client.SendRawAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.That(await client.ReadToEndAsync(), Does.StartWith("HTTP/1.1 200 OK"));
    }

    [Test]
    public async Task TenFailuresInAMinute_Get429ForAMinute_EvenWithAGoodToken()
    {
        for (int i = 0; i < 10; i++)
            Assert.That((await Upgrade.TryAsync(_gateway.Port, "Authorization: Bearer guess" + i + "\r\n")).Status, Is.EqualTo(401), $"attempt {i}");

        var blocked = await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_tokens["admin"]}\r\n");
        Assert.That(blocked.Status, Is.EqualTo(429));
        Assert.That(blocked.Header("Retry-After"), Is.EqualTo("60"));
        Assert.That(Metrics, Does.Contain("websocketfy_auth_failures_total{reason=\"rate_limited\"} 1\n"));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_tokens["admin"]}\r\n")).Header("Retry-After"), Is.EqualTo("30"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["admin"]);
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task MissingCredentials_DoNotCountAsGuesses()
    {
        for (int i = 0; i < 12; i++) Assert.That((await Upgrade.TryAsync(_gateway.Port)).Status, Is.EqualTo(401));
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        Assert.That(client.Socket.State, Is.EqualTo(WebSocketState.Open));
    }

    [Test]
    public async Task Reload_EndsTheConnectionsOfRemovedTokens_AndOnlyThose()
    {
        await using var viewer = await _gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        await using var admin = await _gateway.ConnectWithTokenAsync(_tokens["admin"]);
        Assert.That((await viewer.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));

        var kept = File.ReadAllLines(_tokens.Path).Where(line => !line.StartsWith("viewer-user ", StringComparison.Ordinal));
        File.WriteAllLines(_tokens.Path, kept);
        Assert.That((await _gateway.Gateway.ReloadAsync(_gateway.Gateway.CurrentOptions)).Applied, Is.True);

        Received close = await viewer.ReceiveAsync();
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(close.CloseReason, Is.EqualTo("credential revoked"));
        Assert.That((await admin.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        Assert.That((await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_tokens["viewer"]}\r\n")).Status, Is.EqualTo(401));
    }
}
