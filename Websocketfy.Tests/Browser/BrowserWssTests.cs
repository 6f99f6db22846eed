using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// The same browser over TLS: the daemon with a certificate from a throw-away test PKI, the console
/// page loaded over https:// and its WebSocket over wss://. Chromium trusts the test root for the run
/// only because browser.mjs puts it in an NSS database in the browser's temporary HOME (what Chromium
/// on Linux reads as the user's certificate store); no flag relaxes certificate checks, so a browser
/// that is not given the root refuses the page.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class BrowserWssTests : BrowserFixture
{
    private const string BigPath = "big/sixty-four-mebibytes.bin";
    private static readonly byte[] Big = BrowserWebSocketTests.RandomBytes(64 * 1024 * 1024);

    private TestPki _pki = null!;
    private string _untrustedError = null!;

    [OneTimeSetUp]
    public async Task RunTheBrowserAsync()
    {
        _pki = new TestPki();
        ServerCredentials credentials = _pki.Issue();
        await StartGatewayAsync(o => o with { TlsCertificate = credentials.CertificatePath, TlsKey = credentials.KeyPath },
                                populate: files => files.Write(BigPath, Big));
        string url = $"https://127.0.0.1:{Gateway.Port}/";
        await BrowseAsync("websocket", new JsonObject
        {
            ["url"] = url,
            ["trustCertificate"] = _pki.RootPath,
            ["steps"] = new JsonArray
            {
                WebSocketSteps.Where(),
                WebSocketSteps.Send("REQUEST " + BigPath, binary: true, sha256: true),
                WebSocketSteps.Send(DemoReplies.SelectAllImages),
                WebSocketSteps.Send("REQUEST no/such/file.dcm"),
                WebSocketSteps.Quit(),
            },
        });
        _untrustedError = await BrowserDriver.RunExpectingFailureAsync("websocket", new JsonObject { ["url"] = url, ["steps"] = new JsonArray() });
    }

    [OneTimeTearDown]
    public void DisposePki() => _pki?.Dispose();


    [Test]
    public void PageOverHttps_OpensItsWebSocketOverWss()
    {
        JsonNode where = Step(0);
        Assert.That(Run.Page.Long("status"), Is.EqualTo(200));
        Assert.That((where.Str("pageProtocol"), where.Str("socketUrl"), where.Bool("secureContext")),
                    Is.EqualTo(("https:", $"wss://127.0.0.1:{Gateway.Port}/", true)));
    }

    [Test]
    public void BinaryRequestOf64MiB_OverWss_ArrivesWithTheFilesSha256()
    {
        JsonNode reply = Step(1);
        Assert.That((reply.Str("opcode"), reply.Long("length"), reply.Str("sha256")),
                    Is.EqualTo(("binary", (long)Big.Length, BrowserWebSocketTests.Sha256(Big))));
    }

    [Test]
    public void Sql_OverWss_IsAnswered()
    {
        JsonNode reply = Step(2);
        Assert.That((reply.Str("opcode"), reply.Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public void MissingFile_OverWss_IsAnsweredFileNotFound() =>
        Assert.That(Step(3).Str("text"), Is.EqualTo(DemoReplies.FileNotFound));

    [Test]
    public void Quit_OverWss_IsACleanClose1000()
    {
        JsonNode close = Step(4)["close"]!;
        Assert.That((close.Long("code"), close.Bool("wasClean")), Is.EqualTo((1000L, true)));
    }

    [Test]
    public void BrowserNotGivenTheTestRoot_RefusesThePage() =>
        Assert.That(_untrustedError, Does.Contain("ERR_CERT_AUTHORITY_INVALID"));
}
