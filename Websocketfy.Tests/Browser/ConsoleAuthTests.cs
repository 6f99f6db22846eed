using System.Text.Json.Nodes;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Integration.Access;
using Websocketfy.Tests.Interop;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// The console in front of a daemon run with --auth token: the browser's WebSocket cannot set headers, so
/// the operator types a token and the page sends it as the access_token parameter. Without one, or with a
/// wrong one, the upgrade is refused; with a viewer's token the console works within the viewer's rights.
/// The page keeps the token nowhere but in its field.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class ConsoleAuthTests : BrowserFixture
{
    private const string UnknownToken = "not-a-token-of-this-daemon";

    private readonly TokenSet _tokens = new();

    [OneTimeSetUp]
    public async Task RunTheConsoleAsync()
    {
        await StartGatewayAsync(_tokens.Configure);
        AddAction("wrong", new JsonObject { ["token"] = UnknownToken });
        AddAction("viewer", new JsonObject { ["token"] = _tokens["viewer"] });
        AddAction("select", new JsonObject { ["sql"] = DemoReplies.SelectAllImages });
        AddAction("drop", new JsonObject { ["sql"] = "DROP TABLE images" });
        await BrowseConsoleAsync();
    }

    [OneTimeTearDown]
    public void DisposeTokens() => _tokens.Dispose();

    private long AuthFailures(string reason) =>
        MetricSeries.Read(Gateway.Gateway.Metrics, $"websocketfy_auth_failures_total{{reason=\"{reason}\"}}");

    [Test]
    public void OnLoad_WithoutAToken_TheUpgradeIsRefused_AndTheLogSaysToEnterOne()
    {
        Assert.That(Run.Page.Long("status"), Is.EqualTo(200), "the page itself needs no credential (loopback only)");
        Assert.That(Run.Result["status"].Str("state"), Is.EqualTo("closed"));
        string[] log = [.. Run.Result["log"]!.AsArray().Select(entry => entry.Str("text") ?? "")];
        Assert.That(log, Has.Some.Contains("With --auth token or jwt, enter a valid token"));
        Assert.That(AuthFailures("missing"), Is.EqualTo(1));
        Assert.That(Run.Page["consoleErrors"].Strings(), Has.Some.Contains("HTTP Authentication failed"), "the browser's own console tells the 401");
    }

    [Test]
    public void AWrongToken_IsRefused()
    {
        Assert.That(Action("wrong")["status"].Str("state"), Is.EqualTo("closed"));
        Assert.That(AuthFailures("invalid"), Is.EqualTo(1));
    }

    [Test]
    public void AViewersToken_Connects_AndServesWhatAViewerMayDo()
    {
        JsonNode viewer = Action("viewer");
        Assert.That(viewer["status"].Str("state"), Is.EqualTo("open"));
        Assert.That(viewer["log"]!.AsArray().Select(entry => entry.Str("text")), Has.Some.Contains("with the token given"));
        JsonNode select = Action("select");
        Assert.That((select.Str("state"), select.Str("raw")), Is.EqualTo(("table", DemoReplies.AllImages)));
        JsonNode drop = Action("drop");
        // websocketfy.v2 (the console's default) answers with a typed error: code and message.
        Assert.That((drop.Str("state"), drop.Str("code"), drop.Str("message")),
                    Is.EqualTo(("failed", "permission_denied", "Permission denied: DROP needs the sql-write permission.")));
    }

    [Test]
    public void TheToken_IsKeptNowhereButInItsField()
    {
        foreach (string name in (string[])["wrong", "viewer"])
        {
            JsonNode kept = Action(name)["kept"]!;
            Assert.That(kept.Long("localStorage"), Is.Zero, name);
            Assert.That(kept.Long("sessionStorage"), Is.Zero, name);
            Assert.That(kept.Str("cookie"), Is.Empty, name);
            Assert.That(kept.Str("pageUrl"), Is.EqualTo(PageUrl), name);
            Assert.That(kept.Str("endpoint"), Is.EqualTo($"ws://127.0.0.1:{Gateway.Port}/"), "the URL shown carries no token");
            Assert.That(kept.Str("fieldType"), Is.EqualTo("password"), name);
            Assert.That((kept.Bool("inMarkup"), kept.Bool("inText")), Is.EqualTo((false, false)), name);
        }
        Assert.That(Run.Result["log"]!.AsArray().Select(entry => entry.Str("text")), Has.None.Contains(_tokens["viewer"]));
    }

    [Test]
    public void Page_RunsWithoutErrorsOrPolicyViolations()
    {
        Assert.That(Run.Page["pageErrors"].Strings(), Is.Empty);
        Assert.That(Run.Result["cspViolations"].Strings(), Is.Empty);
    }
}
