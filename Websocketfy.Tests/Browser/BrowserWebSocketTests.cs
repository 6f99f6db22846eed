using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// Headless Chromium's own WebSocket (binaryType 'arraybuffer'), opened by a page the daemon served
/// (the console), against the real daemon and the SiREN peer. One browser run does every step on one
/// connection, in order; each test checks its step.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class BrowserWebSocketTests : BrowserFixture
{
    private const string BigPath = "big/sixty-four-mebibytes.bin";
    private const string PngPath = "study1/preview.png";
    private static readonly byte[] Big = RandomBytes(64 * 1024 * 1024);


    [OneTimeSetUp]
    public async Task RunTheBrowserAsync()
    {
        await StartGatewayAsync(populate: files =>
        {
            files.Write(BigPath, Big);
            files.Write(PngPath, File.ReadAllBytes(Path.Combine(RepositoryPaths.SamplePacs, PngPath)));
        });
        var steps = new JsonArray
        {
            WebSocketSteps.Send("REQUEST " + BigPath, binary: true, sha256: true),
            WebSocketSteps.Send("REQUEST " + PngPath, decodeImage: "image/png"),
            WebSocketSteps.Send(DemoReplies.SelectAllImages, binary: true, asText: true),
            WebSocketSteps.Send(DemoReplies.SelectAllImages),
            WebSocketSteps.Pipeline(WebSocketSteps.Send("SELECT 1 AS a"), WebSocketSteps.Send("REQUEST " + PngPath, sha256: true),
                                    WebSocketSteps.Send("SELECT 2 AS b")),
            WebSocketSteps.Send("REQUEST no/such/file.dcm"),
            WebSocketSteps.Quit(),
        };
        await BrowseAsync("websocket", new JsonObject { ["steps"] = steps });
        TestContext.Progress.WriteLine($"Browser: Chromium {Run.Page.Str("browserVersion")}");
    }


    [Test]
    public void Page_WasServedByTheDaemon_WithoutErrors()
    {
        Assert.That(Run.Page.Long("status"), Is.EqualTo(200));
        Assert.That(Run.Page["pageErrors"].Strings(), Is.Empty);
        Assert.That(Run.Page["consoleErrors"].Strings(), Is.Empty);
    }

    [Test]
    public void BinaryRequestOf64MiB_ArrivesAsOneArrayBuffer_WithTheFilesSha256()
    {
        JsonNode reply = Step(0);
        Assert.That((reply.Str("opcode"), reply.Bool("isArrayBuffer"), reply.Long("length"), reply.Str("sha256")),
                    Is.EqualTo(("binary", true, (long)Big.Length, Sha256(Big))));
    }

    [Test]
    public void Png_DecodesWithCreateImageBitmap_ToItsSize()
    {
        JsonNode reply = Step(1);
        Assert.That((reply.Str("opcode"), reply["image"].Long("width"), reply["image"].Long("height")), Is.EqualTo(("binary", 32L, 32L)));
    }

    [Test]
    public void SqlSentAsBinary_IsAnsweredInABinaryMessage()
    {
        JsonNode reply = Step(2);
        Assert.That((reply.Str("opcode"), reply.Str("text")), Is.EqualTo(("binary", DemoReplies.AllImages)));
    }

    [Test]
    public void SqlSentAsText_IsAnsweredInATextMessage()
    {
        JsonNode reply = Step(3);
        Assert.That((reply.Str("opcode"), reply.Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public void ThreePipelinedCommands_AreAnsweredInOrder()
    {
        JsonNode[] replies = [.. Step(4)["replies"]!.AsArray().Select(r => r!)];
        byte[] png = File.ReadAllBytes(Path.Combine(RepositoryPaths.SamplePacs, PngPath));
        Assert.That(replies.Select(r => (r.Str("opcode"), r.Str("text") ?? r.Str("sha256"))),
                    Is.EqualTo(new[] { ("text", "a\n1\n"), ("binary", Sha256(png)), ("text", "b\n2\n") }));
    }

    [Test]
    public void MissingFile_IsAnsweredFileNotFound()
    {
        JsonNode reply = Step(5);
        Assert.That((reply.Str("opcode"), reply.Str("text")), Is.EqualTo(("text", DemoReplies.FileNotFound)));
    }

    [Test]
    public void Quit_IsSeenByThePageAsACleanClose1000()
    {
        JsonNode close = Step(6)["close"]!;
        Assert.That((close.Long("code"), close.Bool("wasClean")), Is.EqualTo((1000L, true)));
    }

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        new Random(64).NextBytes(bytes);
        return bytes;
    }
}
