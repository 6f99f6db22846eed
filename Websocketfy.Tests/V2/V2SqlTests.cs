using System.Text.Json.Nodes;
using Websocketfy.SirenDemo.Engine;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>PROTOCOL-V2.md, sql: through the daemon to the SiREN peer, over loopback.</summary>
[TestFixture]
public sealed class V2SqlTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _gateway = await GatewayHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    private async Task<JsonNode> AskAsync(string sql)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(7, sql);
        return await client.ReceiveJsonAsync();
    }

    [Test]
    public async Task Handshake_EchoesTheSubprotocol()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);

        Assert.That(client.Socket.SubProtocol, Is.EqualTo("websocketfy.v2"));
    }

    [Test]
    public async Task Select_HasTextColumnsAndRows()
    {
        var reply = await AskAsync(DemoReplies.SelectAllImages);

        Assert.That(V2Json.Text(reply), Is.EqualTo(new JsonObject
        {
            ["id"] = 7, ["ok"] = true, ["text"] = DemoReplies.AllImages,
            ["columns"] = new JsonArray("id", "label", "path"),
            ["rows"] = new JsonArray(
                new JsonArray("1", "normal", "study1/img001.dcm"), new JsonArray("2", "nodule", "study1/img002.dcm"),
                new JsonArray("3", "normal", "study2/img001.dcm"), new JsonArray("4", "fracture", "study2/img002.dcm"),
                new JsonArray("5", "nodule", "study3/img001.dcm")),
        }.ToJsonString()));
    }

    [Test]
    public async Task ValueWithCommaSpace_GivesTextAndRowsAmbiguous()
    {
        var reply = await AskAsync("SELECT 'x, y' AS v");

        Assert.That(V2Json.Text(reply), Is.EqualTo("""{"id":7,"ok":true,"text":"v\nx, y\n","rows_ambiguous":true}"""));
    }

    [Test]
    public async Task NonAsciiValues_ArriveAsUtf8Text()
    {
        var reply = await AskAsync("SELECT 'café' AS v, 'ok' AS w");

        Assert.That(V2Json.Text(reply["rows"]), Is.EqualTo("""[["café","ok"]]"""));
    }

    [Test]
    public async Task StatementWithEmptyReply_HasEmptyColumnsAndRows()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.SqlAsync(1, "CREATE TABLE v2_empty (id INTEGER)");
        var created = await client.ReceiveJsonAsync();

        Assert.That(V2Json.Text(created), Is.EqualTo("""{"id":1,"ok":true,"text":"","columns":[],"rows":[]}"""));
    }

    [Test]
    public async Task CommandFailed_IsASirenErrorWithTheWholeText()
    {
        var reply = await AskAsync("FOO BAR");

        Assert.That(V2Json.Text(reply), Is.EqualTo(
            """{"id":7,"ok":false,"error":{"code":"siren_error","message":"Command failed.\n[1] DESC expected. 'FOO' found instead.\n"}}"""));
    }

    [Test]
    public async Task BlankSql_IsAnsweredEmptyWithoutAskingSiren()
    {
        int before = _gateway.Siren.CommandCount;

        var reply = await AskAsync(" ; \n");

        Assert.That(V2Json.Text(reply), Is.EqualTo("""{"id":7,"ok":true,"text":"","columns":[],"rows":[]}"""));
        Assert.That(_gateway.Siren.CommandCount, Is.EqualTo(before));
    }

    [TestCase("QUIT")]
    [TestCase("quit;")]
    public async Task Quit_IsNotRelayed_AndTheConnectionStaysOpen(string quit)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        int before = _gateway.Siren.CommandCount;

        await client.SqlAsync(1, quit);
        var refused = await client.ReceiveJsonAsync();
        await client.SqlAsync(2, "SELECT 1 AS a");
        var next = await client.ReceiveJsonAsync();

        Assert.That(refused["error"]!["code"]!.GetValue<string>(), Is.EqualTo("bad_request"));
        Assert.That(refused["error"]!["message"]!.GetValue<string>(), Does.Contain("close the WebSocket"));
        Assert.That(next["text"]!.GetValue<string>(), Is.EqualTo("a\n1\n"));
        Assert.That(_gateway.Siren.CommandsReceived.Skip(before).Select(c => c.Text.Trim()), Has.No.Member(quit));
    }

    [Test]
    public async Task SeveralStatements_RunAtOnce_AndEachReplyCarriesItsId()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        for (int id = 1; id <= 8; id++) await client.SqlAsync(id, $"SELECT {id} AS n");

        var replies = new Dictionary<int, string>();
        for (int i = 0; i < 8; i++)
        {
            var reply = await client.ReceiveJsonAsync();
            replies[reply["id"]!.GetValue<int>()] = reply["text"]!.GetValue<string>();
        }

        Assert.That(replies, Is.EquivalentTo(Enumerable.Range(1, 8).ToDictionary(id => id, id => $"n\n{id}\n")));
    }

    [Test]
    public async Task HundredThousandRows_ArriveAsOneReplyWithEveryRow()
    {
        var reply = await AskAsync("SELECT * FROM huge_images");

        Assert.That(reply["rows"]!.AsArray(), Has.Count.EqualTo(SeedDataRows()));
        Assert.That(V2Json.Text(reply["columns"]), Is.EqualTo("""["id","label","path"]"""));
    }

    private static int SeedDataRows() => SeedData.HugeImagesRows;
}
