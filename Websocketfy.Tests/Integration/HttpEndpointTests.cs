using System.Net;
using System.Net.Sockets;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>What the daemon answers over plain HTTP and to bad upgrades, over real sockets.</summary>
[TestFixture]
public sealed class HttpEndpointTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _gateway = await GatewayHarness.StartAsync(o => o with
    {
        AllowedOrigins = ["https://viewer.example.org"],
        HandshakeTimeout = TimeSpan.FromSeconds(1),
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    /// <summary>An upgrade request with the given method, version and Sec-WebSocket-Key, plus extra header lines.</summary>
    private static string Upgrade(string method = "GET", string version = "13", string key = "dGhlIHNhbXBsZSBub25jZQ==", string extra = "") =>
        $"{method} / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n{extra}" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n\r\n";

    private async Task<string> ExchangeAsync(string request)
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port, upgrade: false);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(request));
        return await client.ReadToEndAsync();
    }

    [Test]
    public async Task Healthz_AnswersOk()
    {
        using var http = new HttpClient();
        var answer = await http.GetAsync($"http://127.0.0.1:{_gateway.Port}/healthz");
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Metrics_CountCommandsInPrometheusFormat()
    {
        await using (var client = await _gateway.ConnectAsync()) await client.RequestAsync("SELECT 1");
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{_gateway.Port}/metrics");
        Assert.That(metrics, Does.Contain("# TYPE websocketfy_commands_total counter"));
        Assert.That(metrics, Does.Match(@"websocketfy_commands_total\{kind=""sql""\} [1-9]"));
    }

    [Test]
    public async Task OtherPlainRequest_Gets404()
    {
        string answer = await ExchangeAsync("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.That(answer, Does.StartWith("HTTP/1.1 404 "));
    }

    [Test]
    public async Task WrongWebSocketVersion_Gets426WithVersionHeader()
    {
        string answer = await ExchangeAsync(Upgrade(version: "8"));
        Assert.That(answer, Does.StartWith("HTTP/1.1 426 "));
        Assert.That(answer, Does.Contain("\r\nSec-WebSocket-Version: 13\r\n"));
    }

    [Test]
    public async Task BadKey_Gets400()
    {
        string answer = await ExchangeAsync(Upgrade(key: "c2hvcnQ="));
        Assert.That(answer, Does.StartWith("HTTP/1.1 400 "));
    }

    [Test]
    public async Task PostUpgrade_Gets405()
    {
        string answer = await ExchangeAsync(Upgrade(method: "POST"));
        Assert.That(answer, Does.StartWith("HTTP/1.1 405 "));
    }

    [Test]
    public async Task OversizedHeader_Gets431()
    {
        string answer = await ExchangeAsync("GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + new string('a', 9000) + "\r\n\r\n");
        Assert.That(answer, Does.StartWith("HTTP/1.1 431 "));
    }

    [Test]
    public async Task Garbage_InsteadOfAHandshake_Gets400()
    {
        string answer = await ExchangeAsync("\x16\x03\x01 definitely not http\r\n\r\n");
        Assert.That(answer, Does.StartWith("HTTP/1.1 400 "));
    }

    [Test]
    public async Task RefusedOrigin_Gets403_AllowedOriginUpgrades()
    {
        string refused = await ExchangeAsync(Upgrade(extra: "Origin: https://evil.example\r\n"));
        Assert.That(refused, Does.StartWith("HTTP/1.1 403 "));
        await using var allowed = await WsClient.ConnectAsync(_gateway.Port, configure: o => o.SetRequestHeader("Origin", "https://viewer.example.org"));
        Assert.That((await allowed.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task ClientWithoutOrigin_IsAllowedByDefault()
    {
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task SilentClient_IsDroppedAfterTheHandshakeTimeout()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port, upgrade: false);
        await client.SendRawAsync("GET / HTTP/1.1\r\nHo"u8.ToArray());
        Assert.That(await client.ServerClosesTcpAsync(), Is.True);
    }
}

[TestFixture]
public sealed class ConnectionLimitTests
{
    [Test]
    public async Task ConnectionOverTheLimit_Gets503WithRetryAfter_ExistingOnesUntouched()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { MaxConnections = 2 });
        await using var first = await gateway.ConnectAsync();
        await using var second = await gateway.ConnectAsync();
        using var third = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false);
        string answer = await third.ReadToEndAsync();
        Assert.That(answer, Does.StartWith("HTTP/1.1 503 "));
        Assert.That(answer, Does.Contain("\r\nRetry-After: "));
        Assert.That((await first.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        Assert.That((await second.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task PerAddressLimit_Gets503()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { MaxConnectionsPerIp = 1 });
        await using var first = await gateway.ConnectAsync();
        using var second = await RawWsClient.ConnectAsync(gateway.Port, upgrade: false);
        Assert.That(await second.ReadToEndAsync(), Does.StartWith("HTTP/1.1 503 "));
    }
}
