using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Browser;

/// <summary>The console's WebSocket is an ordinary browser connection: with --allowed-origins set,
/// it is refused unless the list names the console's own origin.</summary>
[TestFixture, Category("Browser")]
public sealed class ConsoleOriginNotListedTests : BrowserFixture
{
    [OneTimeSetUp]
    public async Task RunAsync()
    {
        await StartGatewayAsync(o => o with { AllowedOrigins = ["https://viewer.example.org"] });
        await BrowseAsync("console", new JsonObject());
    }

    [Test]
    public void PageLoads_ButItsWebSocketIsRefused()
    {
        Assert.That(Run.Page.Long("status"), Is.EqualTo(200));
        Assert.That(Run.Result["status"].Str("state"), Is.EqualTo("closed"));
    }

    [Test]
    public void Log_TellsTheOperatorToListThePagesOrigin()
    {
        string[] log = [.. Run.Result["log"]!.AsArray().Select(entry => entry.Str("text") ?? "")];
        Assert.That(log, Has.Some.Contains("--allowed-origins").And.Some.Contains($"http://127.0.0.1:{Gateway.Port}"));
        Assert.That(log, Has.Some.Contains("closed with code 1006"));
    }
}

[TestFixture, Category("Browser")]
public sealed class ConsoleOriginListedTests : BrowserFixture
{
    [OneTimeSetUp]
    public async Task RunAsync()
    {
        // The origin names the port, so the port is chosen before the daemon starts.
        int port = DaemonProcess.FreePort();
        await StartGatewayAsync(o => o with { Port = port, AllowedOrigins = ["https://viewer.example.org", $"http://127.0.0.1:{port}"] });
        await BrowseAsync("console", new JsonObject { ["actions"] = new JsonArray { new JsonObject { ["sql"] = DemoReplies.SelectAllImages } } });
    }

    [Test]
    public void WebSocketOpens_AndServesCommands()
    {
        Assert.That(Run.Result["status"].Str("state"), Is.EqualTo("open"));
        Assert.That(Run.Result["actions"]![0].Str("raw"), Is.EqualTo(DemoReplies.AllImages));
    }
}
