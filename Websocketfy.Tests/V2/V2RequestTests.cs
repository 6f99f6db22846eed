using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>PROTOCOL-V2.md, malformed requests, the in-flight rules and cancel: the answers, and that the
/// connection stays open after each (only a binary message closes it).</summary>
[TestFixture]
public sealed class V2RequestTests
{
    private const int ChunkSize = 16 * 1024;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _gateway = await GatewayHarness.StartAsync(o => o with
            {
                V2MaxInFlight = 3, V2ChunkSize = ChunkSize, MaxMessageSize = 4096,
                // The peer serves one connection at a time, like SiREN: a new one is greeted after a slow reply.
                SirenConnectTimeout = TimeSpan.FromSeconds(30),
            },
            peer: new SirenPeerOptions { SlowByteDelay = TimeSpan.FromMilliseconds(20) },
            populate: files => TestFiles.Sparse(Path.Combine(files.Root, "big/sixty-four-mebibytes.bin"), 64 * TestFiles.MiB));
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [TearDown]
    public void Faithful() => _gateway.Siren.Fault = SirenFault.None;

    [TestCase("SELECT * FROM images", "not valid JSON (error at byte 0)", TestName = "ClassicCommand_IsBadRequestWithIdNull")]
    [TestCase("[1]", "not a JSON object: a request is one JSON object", TestName = "JsonArray_IsBadRequestWithIdNull")]
    [TestCase("""{"op": "sql", "sql": "x"}""", "missing id", TestName = "MissingId_IsBadRequestWithIdNull")]
    public async Task MessageWithoutAValidId_IsAnsweredWithIdNull_AndTheConnectionStays(string message, string error)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SendAsync(message);

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo($$$"""{"id":null,"ok":false,"error":{"code":"bad_request","message":"{{{error}}}"}}"""));
        await client.AssertServedAsync(999);
    }

    [TestCase("""{"id": 5, "op": "put"}""", "unknown op \\\"put\\\" (expected sql, get, stat or cancel)", TestName = "UnknownOp_IsBadRequestWithItsId")]
    [TestCase("""{"id": 5, "op": "get", "path": "a", "offset": -1}""", "offset must be an integer from 0 to 9223372036854775807", TestName = "BadField_IsBadRequestWithItsId")]
    [TestCase("""{"id": 5, "op": "sql"}""", "missing sql", TestName = "MissingField_IsBadRequestWithItsId")]
    public async Task ValidIdWithABadRequest_IsAnsweredWithItsId_AndTheConnectionStays(string message, string error)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SendAsync(message);

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo($$$"""{"id":5,"ok":false,"error":{"code":"bad_request","message":"{{{error}}}"}}"""));
        await client.AssertServedAsync(999);
    }

    [Test]
    public async Task UnknownFields_AreIgnored()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SendAsync("""{"id": 1, "op": "sql", "sql": "SELECT 2 AS b", "priority": {"level": [1, 2]}, "trace": "x"}""");

        Assert.That((await client.ReceiveJsonAsync())["text"]!.GetValue<string>(), Is.EqualTo("b\n2\n"));
    }

    [Test]
    public async Task DuplicateInFlightId_IsAnsweredDuplicateId_AndTheFirstRequestGoesOn()
    {
        _gateway.Siren.Fault = SirenFault.SlowBytes;
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT 1 AS a");
        await client.StatAsync(1, "big/sixty-four-mebibytes.bin");

        var duplicate = await client.ReceiveJsonAsync();
        var first = await client.ReceiveJsonAsync();

        Assert.That(V2Json.Text(duplicate), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"duplicate_id","message":"id 1 is already in flight"}}"""));
        Assert.That((first["id"]!.GetValue<int>(), first["text"]!.GetValue<string>()), Is.EqualTo((1, "a\n1\n")));
    }

    [Test]
    public async Task IdOfAFinishedRequest_MayBeUsedAgain()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.AssertServedAsync(4);
        await client.AssertServedAsync(4);
    }

    [Test]
    public async Task MoreThanMaxInFlight_IsAnsweredTooMany_AndTheOthersComplete()
    {
        _gateway.Siren.Fault = SirenFault.SlowBytes;
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        for (int id = 1; id <= 4; id++) await client.SqlAsync(id, $"SELECT {id} AS n");

        var tooMany = await client.ReceiveJsonAsync();
        var others = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() };

        Assert.That(V2Json.Text(tooMany), Is.EqualTo("""{"id":4,"ok":false,"error":{"code":"too_many","message":"3 requests are in flight already (v2-max-in-flight)"}}"""));
        Assert.That(others.Select(o => o["text"]!.GetValue<string>()).Order(), Is.EqualTo(new[] { "n\n1\n", "n\n2\n", "n\n3\n" }));
    }

    [Test]
    public async Task BinaryMessage_ClosesWith1003()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"id": 1, "op": "sql", "sql": "SELECT 1"}"""), WebSocketMessageType.Binary, true, CancellationToken.None);

        var closed = await client.ReceiveAsync();

        Assert.That((closed.CloseStatus, client.Socket.CloseStatusDescription), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.InvalidMessageType, "websocketfy.v2 requests are text messages")));
    }

    [Test]
    public async Task InvalidUtf8Text_StillClosesWith1007()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        // ClientWebSocket does not check what it sends: "{" then a broken two-byte sequence, then "}".
        await client.Socket.SendAsync(new byte[] { 0x7B, 0xC3, 0x28, 0x7D }, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.That((await client.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
    }

    [Test]
    public async Task MessageOverMaxMessageSize_StillClosesWith1009()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, new string('x', 5000));

        Assert.That((await client.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }

    [Test]
    public async Task CancelOfAGet_EndsItWithCancelled_ThenAnswersOk_AndNoChunkOfItFollows()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(1, "big/sixty-four-mebibytes.bin");
        var seen = new List<V2Incoming>();
        // Some chunks, then the cancel, while the transfer is far from done (the file outgrows the socket buffers).
        while (seen.Count(m => m.IsChunk) < 4) seen.Add(await client.ReceiveAsync());
        await client.CancelAsync(2, target: 1);
        V2Incoming message;
        do seen.Add(message = await client.ReceiveAsync()); while (message.JsonId != 2);

        int cancelled = seen.FindIndex(m => m.ErrorCode == "cancelled");
        Assert.That(V2Json.Text(seen[cancelled].Json), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"cancelled","message":"cancelled by request 2"}}"""));
        Assert.That(V2Json.Text(seen[cancelled + 1].Json), Is.EqualTo("""{"id":2,"ok":true}"""));
        Assert.That(seen.Take(cancelled).Sum(m => m.DataLength), Is.LessThan(64 * TestFiles.MiB));
        await client.AssertServedAsync(999);
    }

    [Test]
    public async Task CancelOfAnUnknownId_IsUnknownId()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.CancelAsync(2, target: 77);

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo("""{"id":2,"ok":false,"error":{"code":"unknown_id","message":"no request 77 is in flight"}}"""));
    }

    [Test]
    public async Task CancelOfAFinishedRequest_IsUnknownId()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.AssertServedAsync(5);
        await client.CancelAsync(6, target: 5);

        Assert.That((await client.ReceiveJsonAsync())["error"]!["code"]!.GetValue<string>(), Is.EqualTo("unknown_id"));
    }

    [Test]
    public async Task Metrics_CountRequestsByOpAndOutcome_InAValidExposition()
    {
        long before = _gateway.Gateway.Metrics.V2.Count("stat", "not_found");
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.StatAsync(1, "no/such/file");
        await client.ReceiveJsonAsync();
        await client.SendAsync("{}");
        await client.ReceiveJsonAsync();

        var metrics = PrometheusText.Parse(_gateway.Gateway.Metrics.RenderPrometheus());
        Assert.That(metrics.Value("websocketfy_v2_requests_total", ("op", "stat"), ("outcome", "not_found")), Is.EqualTo(before + 1));
        Assert.That(metrics.Value("websocketfy_v2_requests_total", ("op", "invalid"), ("outcome", "bad_request")), Is.GreaterThanOrEqualTo(1));
        Assert.That(metrics.Family("websocketfy_v2_request_duration_seconds").Type, Is.EqualTo("histogram"));
        Assert.That(metrics.Family("websocketfy_v2_message_wait_chunks").Type, Is.EqualTo("histogram"));
    }
}
