using System.Net;
using System.Net.Sockets;
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
public sealed class JsClientTests : ClientLibraryFixture
{
    [TestCase(JsRuntime.Node, Category = "JsClient")]
    [TestCase(JsRuntime.Chromium, Category = "Browser")]
    public async Task EveryCall_AnswersAsTheProtocolSays(JsRuntime runtime)
    {
        var report = await JsClientRun.RunAsync(runtime, "tour", TourArguments($"ws://127.0.0.1:{Gateway.Port}/"));

        var select = report["select"]!;
        Assert.That(select["text"]!.GetValue<string>(), Is.EqualTo(DemoReplies.AllImages));
        Assert.That(select["columns"]!.ToJsonString(), Is.EqualTo("""["id","label","path"]"""));
        Assert.That(select["rows"]!.AsArray()[1]!.ToJsonString(), Is.EqualTo("""["2","nodule","study1/img002.dcm"]"""));
        Assert.That(select["rows"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(report["ambiguous"]!.ToJsonString(), Is.EqualTo("""{"text":"v\nx, y\n","rowsAmbiguous":true}"""));
        AssertFailure(report["sirenError"], "siren_error", "Command failed.\n[1] DESC expected. 'FOO' found instead.\n");

        var stat = report["stat"]!;
        Assert.That((stat["size"]!.GetValue<long>(), stat["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, SmallHash)));
        AssertMtime(stat["mtime"]);
        AssertFailure(report["statMissing"], "not_found", "File not found!");

        var whole = report["whole"]!;
        Assert.That((whole["bytes"]!.GetValue<long>(), whole["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, SmallHash)));
        var progress = whole["progress"]!.AsArray();
        Assert.That(progress.Select(p => p!["received"]!.GetValue<long>()),
                    Is.EqualTo(new long[] { ChunkSize, 2 * ChunkSize, 3 * ChunkSize, SmallSize }), "one progress call per chunk");
        Assert.That(progress.Select(p => p!["total"]!.GetValue<long>()), Has.All.EqualTo(SmallSize));
        Assert.That((report["range"]!["bytes"]!.GetValue<long>(), report["range"]!["sha256"]!.GetValue<string>()), Is.EqualTo(((long)RangeLength, RangeHash)));
        AssertFailure(report["badRange"], "bad_range", null);
        AssertFailure(report["missingPath"], "missing_path", "File name is missing!");

        Assert.That(report["concurrent"]!["finished"]!.ToJsonString(), Is.EqualTo("""["sql","get"]"""), "the query sent after the 48 MiB download was answered first");
        Assert.That(report["concurrent"]!["bigSha256"]!.GetValue<string>(), Is.EqualTo(BigHash));
        AssertFailure(report["cancelled"], "cancelled", null);
        Assert.That(report["many"]!.ToJsonString(), Is.EqualTo("""{"fulfilled":40,"rejected":[]}"""), "40 requests over a bound of 16: queued, none refused");
        AssertFailure(report["afterClose"], "closed", null);
    }

    [TestCase(JsRuntime.Node, Category = "JsClient")]
    [TestCase(JsRuntime.Chromium, Category = "Browser")]
    public async Task DownloadCutMidway_ResumesFromTheLastByteOnANewConnection_AndTheWholeMatches(JsRuntime runtime)
    {
        await using var relay = new CuttingRelay(Gateway.Port, CutAfter);

        var report = await JsClientRun.RunAsync(runtime, "resume", new JsonObject
        {
            ["url"] = $"ws://127.0.0.1:{relay.Port}/", ["file"] = "series/resume.dcm", ["select"] = DemoReplies.SelectAllImages,
        });

        Assert.That(relay.Cut.Task.IsCompletedSuccessfully, Is.True, "the relay cut the first connection midway");
        Assert.That(relay.Connections, Is.EqualTo(2), "one new connection for the resume");
        Assert.That((report["bytes"]!.GetValue<long>(), report["lastOffset"]!.GetValue<long>()), Is.EqualTo((ResumeSize, ResumeSize)));
        Assert.That(report["backwards"]!.AsArray(), Is.Empty, "progress never went back: the resume asked for the rest, not the whole file again");
        Assert.That(report["sha256"]!.GetValue<string>(), Is.EqualTo(ResumeHash));
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
        AssertError(failure, code, message);
        Assert.That(failure!["isTyped"]!.GetValue<bool>(), Is.True, "a WebsocketfyError");
    }
}
