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

    [Test]
    public async Task SirenDown_IsSirenUnavailable_WithTheClassicText()
    {
        await _gateway.Siren.StopAsync();
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT 1 AS a");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo(
            """{"id":1,"ok":false,"error":{"code":"siren_unavailable","message":"Command failed.\nSiREN server is unavailable.\n"}}"""));
        await _gateway.Siren.RestartAsync();
        await client.AssertServedAsync(2);
    }

    [TestCase(SirenFault.NeverAnswer, "siren_timeout", "Command failed.\nSiREN server did not answer within 1 s.\n", TestName = "SirenSilent_IsSirenTimeout")]
    [TestCase(SirenFault.CloseMidReply, "siren_closed", "Command failed.\nSiREN server closed the connection before the reply was complete.\n", TestName = "SirenClosingMidReply_IsSirenClosed")]
    public async Task SirenFault_IsAnErrorWithTheClassicText(SirenFault fault, string code, string message)
    {
        _gateway.Siren.Fault = fault;
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT * FROM images");

        var reply = await client.ReceiveJsonAsync();
        _gateway.Siren.Fault = SirenFault.None;

        Assert.That(V2Json.Text(reply), Is.EqualTo(new JsonObject
        {
            ["id"] = 1, ["ok"] = false, ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        }.ToJsonString()));
        await client.AssertServedAsync(2);
    }

    [Test]
    public async Task ReplyOverMaxReplySize_IsTooLarge_AndTheConnectionStaysOpen()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "SELECT * FROM big_images");

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"too_large","message":"reply too large"}}"""));
        await client.AssertServedAsync(2);
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
        for (int id = 3; id < 6; id++) await client.AssertServedAsync(id);

        Assert.That(V2Json.Text(cancelled), Is.EqualTo("""{"id":1,"ok":false,"error":{"code":"cancelled","message":"cancelled by request 2"}}"""));
        Assert.That(V2Json.Text(answer), Is.EqualTo("""{"id":2,"ok":true}"""));
        Assert.That(MetricSeries.Read(_gateway.Gateway.Metrics, "websocketfy_backend_connections_discarded_total"), Is.EqualTo(discardedBefore));
    }
}
