using System.Net;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// With --ops-bind the console is served on the ops listener (and not on the main port); its WebSocket goes
/// to the main port, whose URL the page is told, and its policy allows exactly that origin.
/// </summary>
public abstract class ConsoleOpsListenerFixture : BrowserFixture
{
    protected int OpsPort => Gateway.Gateway.OpsPort!.Value;

    protected abstract string OpsHost { get; }

    protected string OpsPageUrl => $"http://{OpsHost}:{OpsPort}/";

    /// <summary>Loads the console from the ops listener, runs a SELECT and opens the sample PNG.</summary>
    protected async Task BrowseFromTheOpsListenerAsync()
    {
        AddAction("select", new JsonObject { ["sql"] = DemoReplies.SelectAllImages });
        AddAction("png", new JsonObject { ["file"] = "study1/preview.png" });
        await BrowseConsoleAsync(new JsonObject { ["url"] = OpsPageUrl });
    }

    protected void AssertServedThroughTheMainPort(string socketUrl)
    {
        Assert.That(Run.Page.Long("status"), Is.EqualTo(200));
        Assert.That(Run.Page.Str("csp"), Does.Contain($"; connect-src {socketUrl.TrimEnd('/')};"));
        Assert.That(Run.Result["status"].Str("state"), Is.EqualTo("open"));
        Assert.That(Run.Result["log"]!.AsArray().Select(entry => entry.Str("text")), Has.Some.Contains($"connected to {socketUrl}"));
        Assert.That(Action("select").Str("raw"), Is.EqualTo(DemoReplies.AllImages));
        byte[] png = File.ReadAllBytes(Path.Combine(RepositoryPaths.SamplePacs, "study1", "preview.png"));
        Assert.That(Action("png")["facts"].Str("sha256"), Is.EqualTo(BrowserWebSocketTests.Sha256(png)), "a loopback page is a secure context");
        Assert.That(Run.Result["cspViolations"].Strings(), Is.Empty);
        Assert.That(Run.Page["pageErrors"].Strings(), Is.Empty);
    }
}

/// <summary>The main port and the ops listener on the same address: the page's WebSocket uses the host it was opened by.</summary>
[TestFixture, Category("Browser")]
public sealed class ConsoleOnTheOpsListenerTests : ConsoleOpsListenerFixture
{
    protected override string OpsHost => "localhost";

    [OneTimeSetUp]
    public async Task RunAsync()
    {
        await StartGatewayAsync(o => o with { Root = RepositoryPaths.SamplePacs, OpsBind = new IPEndPoint(IPAddress.Loopback, 0) });
        await BrowseFromTheOpsListenerAsync();
    }

    [Test]
    public void Page_FromTheOpsListener_WorksThroughTheMainPort_ByTheHostItWasOpenedBy() =>
        AssertServedThroughTheMainPort($"ws://localhost:{Gateway.Port}/");
}

/// <summary>The main port on another address than the ops listener: the page's WebSocket uses the main port's
/// address, and passes --allowed-origins when that names the ops listener's origin.</summary>
[TestFixture, Category("Browser")]
public sealed class ConsoleOnTheOpsListenerElsewhereTests : ConsoleOpsListenerFixture
{
    private int _opsPort;

    protected override string OpsHost => "127.0.0.2";

    [OneTimeSetUp]
    public async Task RunAsync()
    {
        // The origin names the port, so the port is chosen before the daemon starts.
        _opsPort = DaemonProcess.FreePort();
        await StartGatewayAsync(o => o with
        {
            Root = RepositoryPaths.SamplePacs,
            OpsBind = new IPEndPoint(IPAddress.Parse(OpsHost), _opsPort),
            AllowedOrigins = [$"http://{OpsHost}:{_opsPort}"],
        });
        await BrowseFromTheOpsListenerAsync();
    }

    [Test]
    public void Page_FromTheOpsListener_WorksThroughTheMainPortsAddress() =>
        AssertServedThroughTheMainPort($"ws://127.0.0.1:{Gateway.Port}/");
}
