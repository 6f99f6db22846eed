using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Clients;

/// <summary>
/// clients/qt's WebsocketfyClient (Qt 5, QWebSocket) against the real daemon, through the test program
/// Qt/main.cpp built with Debian's Qt: every call and signal, typed errors, queueing beyond the
/// in-flight bound, and a download resumed with its SHA-256 checked after a relay cut the connection.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category(QtClientBuild.Category)]
public sealed class QtClientTests : ClientLibraryFixture
{
    private static async Task<JsonNode> RunAsync(string scenario, string url, JsonObject arguments)
    {
        string program = await QtClientBuild.RequireV2ClientTestAsync();
        var run = await ChildProcess.RunAsync(program, [scenario, url, arguments.ToJsonString()], TimeSpan.FromMinutes(5));
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        return JsonNode.Parse(run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last())!;
    }

    [Test]
    public async Task EveryCall_EndsInItsSignal_AsTheProtocolSays()
    {
        string url = $"ws://127.0.0.1:{Gateway.Port}/";
        var report = await RunAsync("tour", url, TourArguments(url));

        var select = report["select"]!;
        Assert.That((select["text"]!.GetValue<string>(), select["structured"]!.GetValue<bool>()), Is.EqualTo((DemoReplies.AllImages, true)));
        Assert.That(select["columns"]!.ToJsonString(), Is.EqualTo("""["id","label","path"]"""));
        Assert.That(select["rows"]!.AsArray()[1]!.ToJsonString(), Is.EqualTo("""["2","nodule","study1/img002.dcm"]"""));
        Assert.That(select["rows"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(report["ambiguous"]!.ToJsonString(), Is.EqualTo("""{"columns":[],"rows":[],"structured":false,"text":"v\nx, y\n"}"""));
        AssertError(report["sirenError"], "siren_error", "Command failed.\n[1] DESC expected. 'FOO' found instead.\n");

        var stat = report["stat"]!;
        Assert.That((stat["size"]!.GetValue<long>(), stat["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, SmallHash)));
        AssertMtime(stat["mtime"]);
        AssertError(report["statMissing"], "not_found", "File not found!");

        Assert.That((report["whole"]!["bytes"]!.GetValue<long>(), report["whole"]!["sha256"]!.GetValue<string>()), Is.EqualTo((SmallSize, SmallHash)));
        Assert.That(report["wholeProgress"]!.AsArray().Select(p => p!["received"]!.GetValue<long>()),
                    Is.EqualTo(new long[] { ChunkSize, 2 * ChunkSize, 3 * ChunkSize, SmallSize }), "one progress signal per chunk");
        Assert.That((report["range"]!["bytes"]!.GetValue<long>(), report["range"]!["sha256"]!.GetValue<string>()), Is.EqualTo(((long)RangeLength, RangeHash)));
        AssertError(report["badRange"], "bad_range", null);
        AssertError(report["missingPath"], "missing_path", "File name is missing!");

        Assert.That(report["concurrent"]!["finished"]!.ToJsonString(), Is.EqualTo("""["sql","get"]"""), "the query sent after the 48 MiB download was answered first");
        Assert.That(report["concurrent"]!["big"]!["sha256"]!.GetValue<string>(), Is.EqualTo(BigHash));
        AssertError(report["cancelled"], "cancelled", null);
        Assert.That(report["many"]!.ToJsonString(), Is.EqualTo("""{"fulfilled":40,"rejected":[]}"""), "40 requests over a bound of 16: queued, none refused");
        AssertError(report["afterClose"], "closed", null);
    }

    [Test]
    public async Task DownloadCutMidway_ResumesFromTheLastByteOnANewConnection_AndTheWholeMatches()
    {
        await using var relay = new CuttingRelay(Gateway.Port, CutAfter);
        string url = $"ws://127.0.0.1:{relay.Port}/";

        var report = await RunAsync("resume", url, new JsonObject { ["file"] = "series/resume.dcm", ["select"] = DemoReplies.SelectAllImages });

        Assert.That(relay.Cut.Task.IsCompletedSuccessfully, Is.True, "the relay cut the first connection midway");
        Assert.That(relay.Connections, Is.EqualTo(2), "one new connection for the resume");
        Assert.That((report["bytes"]!.GetValue<long>(), report["lastReceived"]!.GetValue<long>()), Is.EqualTo((ResumeSize, ResumeSize)), report.ToJsonString());
        Assert.That(report["backwards"]!.AsArray(), Is.Empty, "progress never went back: the resume asked for the rest");
        Assert.That(report["sha256"]!.GetValue<string>(), Is.EqualTo(ResumeHash));
        Assert.That(report["afterResume"]!["rows"]!.AsArray(), Has.Count.EqualTo(5), "the new connection serves further requests");
    }

    [Test]
    public async Task NothingListening_IsAConnectFailure()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        int port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var report = await RunAsync("tour", $"ws://127.0.0.1:{port}/", new JsonObject());

        AssertError(report["connect"], "connect_failed", null);
    }
}
