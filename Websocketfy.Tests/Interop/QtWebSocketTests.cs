using System.Text.Json;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Qt's QWebSocket, the library of the original desktop viewer, against the real daemon and the SiREN
/// peer, through qt-client (built from qt-client/ next to this file), which prints one JSON line per event.
/// Like the viewer it sends binary messages and takes the replies from binaryMessageReceived.
/// </summary>
[TestFixture]
[Category(QtClientBuild.Category)]
public sealed class QtWebSocketTests
{
    private const string BigPath = "big/twenty-mebibytes.bin";
    private const long BigLength = 20 * TestFiles.MiB;

    private GatewayHarness _gateway = null!;
    private string _bigSha256 = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await QtClientBuild.RequireAsync();
        _gateway = await GatewayHarness.StartAsync(populate: files =>
            _bigSha256 = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, BigPath), BigLength, seed: 20)));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
    }

    [Test]
    public async Task BinarySelect_ArrivesOnBinaryMessageReceived()
    {
        var lines = await RunAsync("binary:" + DemoReplies.SelectAllImages);

        Assert.That((lines[0].Str("reply"), lines[0].Str("text")), Is.EqualTo(("binary", DemoReplies.AllImages)));
    }

    [Test]
    public async Task TextSelect_ArrivesOnTextMessageReceived()
    {
        var lines = await RunAsync("text:" + DemoReplies.SelectAllImages);

        Assert.That((lines[0].Str("reply"), lines[0].Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public async Task RequestOfATwentyMebibyteFile_ArrivesAsOneBinaryMessageWithTheSameSha256()
    {
        var lines = await RunAsync("binary:REQUEST " + BigPath);

        Assert.That((lines[0].Str("reply"), lines[0].Int("length"), lines[0].Str("sha256")),
                    Is.EqualTo(("binary", (int)BigLength, _bigSha256)));
    }

    [Test]
    public async Task RequestOfAnUnknownFile_GetsFileNotFound()
    {
        var lines = await RunAsync("binary:REQUEST no/such/file.dcm");

        Assert.That((lines[0].Str("reply"), lines[0].Str("text")), Is.EqualTo(("binary", DemoReplies.FileNotFound)));
    }

    [Test]
    public async Task Quit_IsSeenAsTheServersCloseWith1000()
    {
        var lines = await RunAsync("binary:SELECT 1 AS a", "quit:QUIT");

        Assert.That((lines[0].Str("text"), lines[1].Int("closed"), lines[1].Str("by")), Is.EqualTo(("a\n1\n", 1000, "server")));
    }

    [Test]
    public async Task ViewerSession_RepliesComeInTheOrderOfTheCommands()
    {
        var lines = await RunAsync(
            "binary:SELECT * FROM images WHERE id = 4",
            "binary:REQUEST " + BigPath,
            "binary:REQUEST ../outside.dcm",
            "text:SELECT label FROM images WHERE id = 2",
            "quit:QUIT");

        Assert.That(lines.Select(Summary), Is.EqualTo(new[]
        {
            "binary id, label, path\n4, fracture, study2/img002.dcm\n",
            $"binary {BigLength} bytes",
            "binary " + DemoReplies.FileNotFound,
            "text label\nnodule\n",
            "closed 1000 by server",
        }));
    }

    private static string Summary(JsonElement line) =>
        line.TryGetProperty("closed", out _) ? $"closed {line.Int("closed")} by {line.Str("by")}"
        : line.TryGetProperty("text", out _) ? $"{line.Str("reply")} {line.Str("text")}"
        : $"{line.Str("reply")} {line.Int("length")} bytes";

    /// <summary>Runs the client with the steps; it must exit 0. Returns its JSON lines.</summary>
    private async Task<JsonElement[]> RunAsync(params string[] steps)
    {
        string client = await QtClientBuild.RequireAsync();
        var result = await ChildProcess.RunAsync(client, [$"ws://127.0.0.1:{_gateway.Port}/", .. steps], TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return JsonLine.ParseAll(result.StandardOutput);
    }
}
