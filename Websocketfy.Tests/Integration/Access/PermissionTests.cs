using System.Net.WebSockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>Roles through the real daemon: a refused command gets its reply in the request's opcode and
/// never reaches SiREN (the peer records every command it gets).</summary>
public sealed class PermissionTests
{
    private TokenSet _tokens = null!;
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _tokens = new TokenSet();
        _gateway = await GatewayHarness.StartAsync(_tokens.Configure, populate: t => t.Write("a.dcm", [1, 2, 3]));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        _tokens.Dispose();
    }

    private IEnumerable<string> CommandsSirenGot => _gateway.Siren.CommandsReceived.Select(c => c.Text);

    public static IEnumerable<TestCaseData> WriteStatements() =>
    [
        new("INSERT INTO images VALUES (6, 'x', 'y')", "INSERT"),
        new("update images set label = 'x'", "UPDATE"),
        new("DELETE FROM images", "DELETE"),
        new("CREATE TABLE t (id INTEGER)", "CREATE"),
        new("CREATE INDEX i ON images (label)", "CREATE"),
        new("DROP TABLE images", "DROP"),
        new("DROP INDEX i", "DROP"),
        new("ALTER TABLE images ADD x INTEGER", "ALTER"),
        new("FOO BAR", "FOO"),
        new("  \u00a0drop table images;", "DROP"),
    ];

    [TestCaseSource(nameof(WriteStatements))]
    public async Task Viewer_WriteStatement_IsRefused_AndNeverReachesSiren(string statement, string keyword)
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        Received text = await client.RequestAsync(statement);
        Assert.That(text.Type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(text.Text, Is.EqualTo($"Command failed.\nPermission denied: {keyword} needs the sql-write permission.\n"));
        Received binary = await client.RequestAsync(statement, WebSocketMessageType.Binary);
        Assert.That(binary.Type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(binary.Text, Is.EqualTo(text.Text));
        Assert.That((await client.RequestAsync("SELECT count(*) FROM images")).Text, Is.EqualTo("count(*)\n5\n"), "the table is intact");
        Assert.That(CommandsSirenGot, Is.EqualTo(new[] { "SELECT count(*) FROM images" }));
        Assert.That(_gateway.Gateway.Metrics.RenderPrometheus(), Does.Contain("websocketfy_permission_denied_total{permission=\"sql-write\"} 2\n"));
    }

    [TestCaseSource(nameof(WriteStatements))]
    public async Task Admin_WriteStatement_ReachesSiren(string statement, string keyword)
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["admin"]);
        Received reply = await client.RequestAsync(statement);
        Assert.That(reply.Text, Does.Not.Contain("Permission denied"));
        Assert.That(CommandsSirenGot, Is.EqualTo(new[] { statement }));
    }

    [TestCase("SELECT * FROM images WHERE id = 1")]
    [TestCase("select*from images where id=1")]
    [TestCase("DESC images")]
    public async Task Viewer_ReadStatement_Runs(string statement)
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        Assert.That((await client.RequestAsync(statement)).Text, Does.Not.Contain("Permission denied"));
        Assert.That(CommandsSirenGot, Is.EqualTo(new[] { statement }));
    }

    [Test]
    public async Task FilesRole_GetsFiles_ButNoSql()
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["files"]);
        Assert.That((await client.RequestAsync("REQUEST a.dcm")).Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("Command failed.\nPermission denied: SELECT needs the sql-read permission.\n"));
        Assert.That(CommandsSirenGot, Is.Empty);
    }

    [Test]
    public async Task RoleWithoutFiles_GetsPermissionDenied_ForRequest_InTheRequestsOpcode()
    {
        await _gateway.DisposeAsync();
        _gateway = await GatewayHarness.StartAsync(o => _tokens.Configure(o) with
        {
            Roles = [new("nothing", Websocketfy.Protocol.Access.Permissions.None), new("sql", Websocketfy.Protocol.Access.Permissions.SqlRead)],
        }, populate: t => t.Write("a.dcm", [1, 2, 3]));
        string token = await AddTokenAsync("reporter", "sql");
        await using var client = await _gateway.ConnectWithTokenAsync(token);
        Received text = await client.RequestAsync("REQUEST a.dcm");
        Assert.That((text.Type, text.Text), Is.EqualTo((WebSocketMessageType.Text, "Permission denied.")));
        Received binary = await client.RequestAsync("REQUEST a.dcm", WebSocketMessageType.Binary);
        Assert.That((binary.Type, binary.Text), Is.EqualTo((WebSocketMessageType.Binary, "Permission denied.")));
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        Assert.That(_gateway.Gateway.Metrics.RenderPrometheus(), Does.Contain("websocketfy_permission_denied_total{permission=\"files\"} 2\n"));
    }

    [Test]
    public async Task QuitAndBlank_AreAlwaysAllowed()
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_tokens["files"]);
        Assert.That((await client.RequestAsync("   ")).Bytes, Is.Empty);
        await client.SendTextAsync("QUIT");
        Assert.That((await client.ReceiveAsync()).CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
    }

    private async Task<string> AddTokenAsync(string name, string role)
    {
        var (token, line) = Websocketfy.Daemon.Auth.TokenCommand.NewToken(name, role);
        await File.AppendAllTextAsync(_tokens.Path, line + "\n");
        Assert.That((await _gateway.Gateway.ReloadAsync(_gateway.Gateway.CurrentOptions)).Applied, Is.True);
        return token;
    }
}
