using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Python's websockets library against the real daemon and the SiREN peer, through
/// websockets_client.py (next to this file), which prints one JSON line per event.
/// </summary>
[TestFixture]
public sealed class PythonWebsocketsTests
{
    private const string NotePath = "notes/readme.txt";
    private const string BigPath = "big/five-mebibytes.bin";
    private static readonly byte[] Note = "Interop note: no patient data.\n"u8.ToArray();
    private static readonly byte[] FiveMebibytes = RandomBytes(5 * 1024 * 1024 + 7);

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _gateway = await GatewayHarness.StartAsync(populate: files =>
        {
            files.Write(NotePath, Note);
            files.Write(BigPath, FiveMebibytes);
        });

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [Test]
    public async Task Select_SentAsText_GetsTheRowsAsAText()
    {
        var lines = await RunAsync("text:" + DemoReplies.SelectAllImages);

        Assert.That((lines[0].Str("reply"), lines[0].Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public async Task Select_SentAsBinary_GetsTheRowsAsBytes()
    {
        var lines = await RunAsync("binary:" + DemoReplies.SelectAllImages);

        Assert.That((lines[0].Str("reply"), lines[0].Str("sha256")), Is.EqualTo(("binary", Sha256(Encoding.UTF8.GetBytes(DemoReplies.AllImages)))));
    }

    [Test]
    public async Task Select_SentInFragments_IsOneCommand()
    {
        var lines = await RunAsync("fragments:SELECT * |FROM |images");

        Assert.That((lines[0].Str("reply"), lines[0].Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public async Task Request_SentAsTextAndAsBinary_GetsTheFileInABinaryMessageBothTimes()
    {
        var lines = await RunAsync("text:REQUEST " + NotePath, "binary:REQUEST " + NotePath);

        var expected = ("binary", Sha256(Note));
        Assert.That(new[] { (lines[0].Str("reply"), lines[0].Str("sha256")), (lines[1].Str("reply"), lines[1].Str("sha256")) },
                    Is.EqualTo(new[] { expected, expected }));
    }

    [Test]
    public async Task FiveMebibyteFile_ArrivesWithIdenticalBytes()
    {
        var lines = await RunAsync("text:REQUEST " + BigPath);

        Assert.That((lines[0].Str("reply"), lines[0].Int("length"), lines[0].Str("sha256")),
                    Is.EqualTo(("binary", FiveMebibytes.Length, Sha256(FiveMebibytes))));
    }

    [Test]
    public async Task Ping_IsAnsweredWithAPongCarryingItsPayload()
    {
        // The library completes the ping's waiter only for a pong with the same payload.
        var lines = await RunAsync("ping:are you there", "text:SELECT 1 AS a");

        Assert.That((lines[0].Str("pong"), lines[1].Str("text")), Is.EqualTo(("are you there", "a\n1\n")));
    }

    [Test]
    public async Task ClientClose_IsEchoedWith1000()
    {
        var lines = await RunAsync("text:SELECT 1 AS a");

        Assert.That((lines[^1].Int("closed"), lines[^1].Str("reason")), Is.EqualTo((1000, "")));
    }

    [Test]
    public async Task Quit_MakesTheServerCloseWith1000()
    {
        var lines = await RunAsync("quit:QUIT");

        Assert.That(lines[0].Int("server_closed"), Is.EqualTo(1000));
    }

    private Task<JsonElement[]> RunAsync(params string[] steps) =>
        PythonScripts.RunAsync("websockets_client.py", [$"ws://127.0.0.1:{_gateway.Port}/", .. steps]);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}
