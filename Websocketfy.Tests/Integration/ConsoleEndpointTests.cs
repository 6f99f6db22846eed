using System.Net;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>The console at a plain GET / over real sockets: served with --console, a 404 like any unknown path without.</summary>
[TestFixture]
public sealed class ConsoleEndpointTests
{
    private static async Task<string> ExchangeAsync(int port, string request)
    {
        using var client = await RawWsClient.ConnectAsync(port, upgrade: false);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(request));
        return await client.ReadToEndAsync();
    }

    private static string Plain(string method, string target = "/") => $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    private static string Body(string answer) => answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    [Test]
    public async Task ConsoleOff_GetSlash_Gets404_AsAnyUnknownPath()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        string slash = await ExchangeAsync(gateway.Port, Plain("GET"));
        string unknown = await ExchangeAsync(gateway.Port, Plain("GET", "/index.html"));
        Assert.That(slash, Does.StartWith("HTTP/1.1 404 "));
        Assert.That(slash, Is.EqualTo(unknown));
    }

    [Test]
    public async Task ConsoleOff_HeadSlash_Gets404()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        Assert.That(await ExchangeAsync(gateway.Port, Plain("HEAD")), Does.StartWith("HTTP/1.1 404 "));
    }

    [Test]
    public async Task ConsoleOn_GetSlash_GetsThePage_WithItsPolicy()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true });
        string answer = await ExchangeAsync(gateway.Port, Plain("GET"));
        Assert.That(answer, Does.StartWith("HTTP/1.1 200 OK\r\n"));
        Assert.That(answer, Does.Contain("\r\nContent-Type: text/html; charset=utf-8\r\n"));
        Assert.That(answer, Does.Contain("\r\nContent-Security-Policy: default-src 'none'; script-src 'sha256-"));
        Assert.That(Body(answer), Does.StartWith("<!DOCTYPE html>").And.Contain("<title>Websocketfy console</title>"));
    }

    [Test]
    public async Task ConsoleOn_QueryString_IsIgnored_AsForTheOtherEndpoints()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true });
        Assert.That(await ExchangeAsync(gateway.Port, Plain("GET", "/?from=bookmark")), Does.StartWith("HTTP/1.1 200 OK\r\n"));
    }

    [Test]
    public async Task ConsoleOn_Head_GetsTheHeadersWithoutTheBody()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true });
        string get = await ExchangeAsync(gateway.Port, Plain("GET"));
        string head = await ExchangeAsync(gateway.Port, Plain("HEAD"));
        Assert.That(head, Is.EqualTo(get[..(get.Length - Body(get).Length)]));
        Assert.That(head, Does.Contain($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(Body(get))}\r\n"));
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task ConsoleOn_OtherMethods_Get405WithAllow(string method)
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true });
        string answer = await ExchangeAsync(gateway.Port, $"{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        Assert.That(answer, Does.StartWith("HTTP/1.1 405 ").And.Contain("\r\nAllow: GET\r\n"));
    }

    [Test]
    public async Task ConsoleOn_AnUpgradeToSlash_StillUpgrades()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true });
        await using var client = await gateway.ConnectAsync("/");
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task Reload_TurnsTheConsoleOnAndOff_ForNewRequests()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { Console = true });
        string on = await ExchangeAsync(gateway.Port, Plain("GET"));
        await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { Console = false });
        string off = await ExchangeAsync(gateway.Port, Plain("GET"));
        Assert.That((on[..15], off[..15]), Is.EqualTo(("HTTP/1.1 200 OK", "HTTP/1.1 404 No")));
    }

    [Test]
    public async Task ConsoleOn_WithOpsBind_IsServedOnTheOpsListenerOnly_PointingAtTheMainPort()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { Console = true, OpsBind = new IPEndPoint(IPAddress.Loopback, 0) });
        int ops = gateway.Gateway.OpsPort!.Value;
        string slash = await ExchangeAsync(gateway.Port, Plain("GET"));
        Assert.That(slash, Does.StartWith("HTTP/1.1 404 "));
        Assert.That(slash, Is.EqualTo(await ExchangeAsync(gateway.Port, Plain("GET", "/index.html"))), "as any unknown path on the main port");
        string page = await ExchangeAsync(ops, $"GET / HTTP/1.1\r\nHost: localhost:{ops}\r\n\r\n");
        Assert.That(page, Does.StartWith("HTTP/1.1 200 OK\r\n"));
        Assert.That(page, Does.Contain($"; connect-src ws://localhost:{gateway.Port};"));
        Assert.That(Body(page), Does.Contain($"<meta name=\"websocketfy-gateway\" content=\"ws://localhost:{gateway.Port}/\">"));
        string head = await ExchangeAsync(ops, $"HEAD / HTTP/1.1\r\nHost: localhost:{ops}\r\n\r\n");
        Assert.That(head, Is.EqualTo(page[..(page.Length - Body(page).Length)]), "HEAD: the same head, no body");
        Assert.That(await ExchangeAsync(ops, "GET / HTTP/1.0\r\n\r\n"), Does.StartWith("HTTP/1.1 400 ").And.Contain("Host header"));
    }
}
