using System.Text.Json.Nodes;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>PROTOCOL-V2.md, sql failures on the gateway's side: each is an error reply with its code and the
/// classic text, and the connection stays open. One SiREN connection in the pool, so a statement that leaves
/// it out of step would spoil the next one.</summary>
[TestFixture]
public sealed class V2SqlFaultTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _gateway = await GatewayHarness.StartAsync(o => o with
        {
            SirenPoolSize = 1,
            SirenTimeout = TimeSpan.FromSeconds(1),
            MaxReplySize = 16 * 1024,
            SirenConnectTimeout = TimeSpan.FromSeconds(30),
        }, peer: new SirenPeerOptions { SlowByteDelay = TimeSpan.FromMilliseconds(20) });

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [TearDown]
    public async Task FaithfulAgainAsync()
    {
        _gateway.Siren.Fault = SirenFault.None;
        if (!_gateway.Siren.IsRunning) await _gateway.Siren.RestartAsync();
    }

    private static async Task<JsonNode> ReplyToAsync(V2Client client, int id)
    {
        JsonNode reply;
        do reply = await client.ReceiveJsonAsync(); while (reply["id"]?.GetValue<int>() != id);
        return reply;
    }

    private static async Task AssertStillServedAsync(V2Client client, int id)
    {
        await client.SqlAsync(id, $"SELECT {id} AS n");
        var reply = await ReplyToAsync(client, id);
        Assert.That(reply["text"]?.GetValue<string>(), Is.EqualTo($"n\n{id}\n"), V2Json.Text(reply));
    }

    [Test]
    public async Task SirenDown_IsSirenUnavailable_WithTheClassicText()
    {
        await _gateway.Siren.StopAsync();
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT 1 AS a");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo(
            """{"id":1,"ok":false,"error":{"code":"siren_unavailable","message":"Command failed.\nSiREN server is unavailable.\n"}}"""));
        await _gateway.Siren.RestartAsync();
        await AssertStillServedAsync(client, 2);
    }

    [Test]
    public async Task SirenSilent_IsSirenTimeout()
    {
        _gateway.Siren.Fault = SirenFault.NeverAnswer;
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT 1 AS a");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo(
            """{"id":1,"ok":false,"error":{"code":"siren_timeout","message":"Command failed.\nSiREN server did not answer within 1 s.\n"}}"""));
        _gateway.Siren.Fault = SirenFault.None;
        await AssertStillServedAsync(client, 2);
    }

    [Test]
    public async Task SirenClosingMidReply_IsSirenClosed()
    {
        _gateway.Siren.Fault = SirenFault.CloseMidReply;
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT * FROM images");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo(
            """{"id":1,"ok":false,"error":{"code":"siren_closed","message":"Command failed.\nSiREN server closed the connection before the reply was complete.\n"}}"""));
        _gateway.Siren.Fault = SirenFault.None;
        await AssertStillServedAsync(client, 2);
    }

    [Test]
    public async Task ReplyOverMaxReplySize_IsTooLarge_AndTheConnectionStaysOpen()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT * FROM big_images");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"too_large","message":"reply too large"}}"""));
        await AssertStillServedAsync(client, 2);
    }

    [Test]
    public async Task CancelOfSql_AnswersAtOnce_AndTheReplyIsReadAndDropped_SoTheConnectionStaysInStep()
    {
        _gateway.Siren.Fault = SirenFault.SlowBytes;
        long discardedBefore = MetricSeries.Read(_gateway.Gateway.Metrics, "websocketfy_backend_connections_discarded_total");
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        int commands = _gateway.Siren.CommandCount;
        await client.SqlAsync(1, "SELECT 'dropped' AS v");
        await _gateway.Siren.WaitForCommandsAsync(commands + 1, TimeSpan.FromSeconds(30));
        await client.CancelAsync(2, target: 1);

        var cancelled = await client.ReceiveJsonAsync();
        var answer = await client.ReceiveJsonAsync();
        _gateway.Siren.Fault = SirenFault.None;
        // The only backend connection is the cancelled statement's: the next ones wait for it, then use it.
        for (int id = 3; id < 6; id++) await AssertStillServedAsync(client, id);

        Assert.That(V2Json.Text(cancelled), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"cancelled","message":"cancelled by request 2"}}"""));
        Assert.That(V2Json.Text(answer), Is.EqualTo("""{"id":2,"ok":true}"""));
        Assert.That(MetricSeries.Read(_gateway.Gateway.Metrics, "websocketfy_backend_connections_discarded_total"), Is.EqualTo(discardedBefore));
    }
}
