using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Clients;

/// <summary>
/// clients/js/websocketfy.js against the real daemon (in-process, SiREN peer, real files), in Node and
/// in Debian's headless Chromium: every call of its API, typed errors, queueing beyond the in-flight
/// bound, and a download resumed on a new connection after a relay cut the first one.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class JsClientTests
{
    private const int ChunkSize = 256 * 1024;
    private const long SmallSize = 3 * ChunkSize + 123;
    private const long BigSize = 48 * TestFiles.MiB;
    private const long ResumeSize = 32 * TestFiles.MiB;
    private GatewayHarness _gateway = null!;
    private string _smallHash = "", _bigHash = "", _resumeHash = "", _rangeHash = "";
    private byte[] _small = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _gateway = await GatewayHarness.StartAsync(populate: files =>
        {
            _smallHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "study/small.dcm"), SmallSize, seed: 11));
            _bigHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "series/big.dcm"), BigSize, seed: 12));
            _resumeHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "series/resume.dcm"), ResumeSize, seed: 13));
        });
        _small = File.ReadAllBytes(Path.Combine(_gateway.Files.Root, "study/small.dcm"));
        _rangeHash = Convert.ToHexStringLower(SHA256.HashData(_small.AsSpan(ChunkSize - 7, ChunkSize + 100)));
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [TestCase(JsRuntime.Node, Category = "JsClient")]
    [TestCase(JsRuntime.Chromium, Category = "Browser")]
    public async Task EveryCall_AnswersAsTheProtocolSays(JsRuntime runtime)
    {
        var report = await JsClientRun.RunAsync(runtime, "tour", new JsonObject
        {
            ["url"] = $"ws://127.0.0.1:{_gateway.Port}/", ["select"] = DemoReplies.SelectAllImages, ["maxInFlight"] = 16,
            ["file"] = "study/small.dcm", ["big"] = "series/big.dcm",
            ["rangeOffset"] = ChunkSize - 7, ["rangeLength"] = ChunkSize + 100, ["beyond"] = SmallSize + 1, ["many"] = 40,
        });

        var select = report["select"]!;
        Assert.That(select["text"]!.GetValue<string>(), Is.EqualTo(DemoReplies.AllImages));
        Assert.That(select["columns"]!.ToJsonString(), Is.EqualTo("""["id","label","path"]"""));
        Assert.That(select["rows"]!.AsArray()[1]!.ToJsonString(), Is.EqualTo("""["2","nodule","study1/img002.dcm"]"""));
        Assert.That(select["rows"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(report["ambiguous"]!.ToJsonString(), Is.EqualTo("""{"text":"v\nx, y\n","rowsAmbiguous":true}"""));
        AssertFailure(report["sirenError"], "siren_error", "Command failed.\n[1] DESC expected. 'FOO' found instead.\n");

        var stat = report["stat"]!;
        Assert.That((stat["size"]!.GetValue<long>(), stat["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, _smallHash)));
        var mtime = DateTime.Parse(stat["mtime"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.That(mtime, Is.EqualTo(File.GetLastWriteTimeUtc(Path.Combine(_gateway.Files.Root, "study/small.dcm"))).Within(TimeSpan.FromSeconds(1)));
        AssertFailure(report["statMissing"], "not_found", "File not found!");

        var whole = report["whole"]!;
        Assert.That((whole["bytes"]!.GetValue<long>(), whole["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, _smallHash)));
        var progress = whole["progress"]!.AsArray();
        Assert.That(progress.Select(p => p!["received"]!.GetValue<long>()),
                    Is.EqualTo(new long[] { ChunkSize, 2 * ChunkSize, 3 * ChunkSize, SmallSize }), "one progress call per chunk");
        Assert.That(progress.Select(p => p!["total"]!.GetValue<long>()), Has.All.EqualTo(SmallSize));
        Assert.That((report["range"]!["bytes"]!.GetValue<long>(), report["range"]!["sha256"]!.GetValue<string>()), Is.EqualTo((ChunkSize + 100L, _rangeHash)));
        AssertFailure(report["badRange"], "bad_range", null);
        AssertFailure(report["missingPath"], "missing_path", "File name is missing!");

        Assert.That(report["concurrent"]!["finished"]!.ToJsonString(), Is.EqualTo("""["sql","get"]"""), "the query sent after the 48 MiB download was answered first");
        Assert.That(report["concurrent"]!["bigSha256"]!.GetValue<string>(), Is.EqualTo(_bigHash));
        AssertFailure(report["cancelled"], "cancelled", null);
        Assert.That(report["many"]!.ToJsonString(), Is.EqualTo("""{"fulfilled":40,"rejected":[]}"""), "40 requests over a bound of 16: queued, none refused");
        AssertFailure(report["afterClose"], "closed", null);
    }

    [TestCase(JsRuntime.Node, Category = "JsClient")]
    [TestCase(JsRuntime.Chromium, Category = "Browser")]
    public async Task DownloadCutMidway_ResumesFromTheLastByteOnANewConnection_AndTheWholeMatches(JsRuntime runtime)
    {
        await using var relay = new CuttingRelay(_gateway.Port, cutAfter: 5 * TestFiles.MiB + 777);

        var report = await JsClientRun.RunAsync(runtime, "resume", new JsonObject
        {
            ["url"] = $"ws://127.0.0.1:{relay.Port}/", ["file"] = "series/resume.dcm", ["select"] = DemoReplies.SelectAllImages,
        });

        Assert.That(relay.Cut.Task.IsCompletedSuccessfully, Is.True, "the relay cut the first connection midway");
        Assert.That(relay.Connections, Is.EqualTo(2), "one new connection for the resume");
        Assert.That((report["bytes"]!.GetValue<long>(), report["lastOffset"]!.GetValue<long>()), Is.EqualTo((ResumeSize, ResumeSize)));
        Assert.That(report["backwards"]!.AsArray(), Is.Empty, "progress never went back: the resume asked for the rest, not the whole file again");
        Assert.That(report["sha256"]!.GetValue<string>(), Is.EqualTo(_resumeHash));
        Assert.That(report["afterResume"]!.GetValue<int>(), Is.EqualTo(5), "the new connection serves further requests");
    }

    [TestCase(JsRuntime.Node, Category = "JsClient")]
    public async Task NothingListening_IsATypedConnectFailure(JsRuntime runtime)
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var report = await JsClientRun.RunAsync(runtime, "refused", new JsonObject { ["url"] = $"ws://127.0.0.1:{port}/" });

        AssertFailure(report, "connect_failed", null);
    }

    private static void AssertFailure(JsonNode? failure, string code, string? message)
    {
        Assert.That(failure?["code"]?.GetValue<string>(), Is.EqualTo(code), failure?.ToJsonString());
        Assert.That(failure!["isTyped"]!.GetValue<bool>(), Is.True, "a WebsocketfyError");
        if (message is not null) Assert.That(failure["message"]!.GetValue<string>(), Is.EqualTo(message));
    }
}
