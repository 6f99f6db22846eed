using Websocketfy.Tests.Integration.Access;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// Permissions in front of the real SiREN server: a viewer's read with a write chained behind it
/// (<c>SELECT 1; DROP TABLE images</c> and its variants) passes the gateway, as its first keyword is
/// SELECT (or DESC), and the real server must then leave the table as it was. It does: SiREN takes one
/// read as one command, hands a plain SELECT to Qt's SQLite driver as one string, and that driver
/// refuses a text holding more than one statement ("Unable to execute multiple statements at a time",
/// which SiREN swallows: the reply is empty); SiREN's own parsers (DESC, similarity SELECTs) refuse the
/// extra tokens. docs/protocol.md says so.
/// </summary>
[TestFixture]
[Category(SirenBuild.Category)]
public sealed class RealSirenAccessTests
{
    private const string Labels = "SELECT id, label, path FROM images ORDER BY id";

    private TokenSet _tokens = null!;

    [OneTimeSetUp]
    public void CreateTokens() => _tokens = new TokenSet();

    [OneTimeTearDown]
    public void DeleteTokens() => _tokens.Dispose();

    public static IEnumerable<string> ChainedWrites() =>
    [
        "SELECT 1; DROP TABLE images",
        "SELECT 1;DROP TABLE images;",
        "select 1 ; drop table images ; select 2",
        "SELECT * FROM images WHERE id = 1; DELETE FROM images",
        "SELECT 1; UPDATE images SET label = 'x'",
        "SELECT 1; INSERT INTO images VALUES (9, 'x', 'y')",
        "SELECT 1\n;DROP TABLE images",
        "  select\t1;\r\ndrop table images;",
        "SELECT\u00a01; DROP TABLE images",
        "SELECT (SELECT 1); DROP TABLE images",
        "SELECT 1 /* */; DROP TABLE images",
        "SELECT 1 --; DROP TABLE images",
        "SELECT 1 UNION SELECT 2; DROP TABLE images",
        "SELECT * FROM images WHERE path NEAR 'x' STOP AFTER 2; DROP TABLE images",
        "DESC images; DROP TABLE images",
        "SELECT 1; ATTACH DATABASE 'other.db' AS other",
    ];

    [Test]
    public async Task ViewersReadWithAWriteBehindIt_LeavesTheTableInPlace()
    {
        await using var siren = await RealSirenServer.StartAsync();
        await using var gateway = await GatewayHarness.StartInFrontOfAsync(siren.Port, _tokens.Configure);
        await using var viewer = await gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        string before = (await viewer.RequestAsync(Labels)).Text;
        Assert.That(before, Does.StartWith("id, label, path\n1, "), siren.LogTail);

        foreach (string statement in ChainedWrites())
        {
            string reply = (await viewer.RequestAsync(statement)).Text;
            Assert.That(reply, Does.Not.Contain("Permission denied"), $"{statement}: a read passes the gateway");
            Assert.That((await viewer.RequestAsync(Labels)).Text, Is.EqualTo(before), $"after {statement}\nSiREN said: {reply}\n{siren.LogTail}");
        }
        Assert.That(siren.Commands, Has.Some.StartsWith("SELECT 1; DROP TABLE images"), "the statements did reach the real server");
    }

    [Test]
    public async Task ViewersWrite_IsRefused_AndNeverReachesTheServer()
    {
        await using var siren = await RealSirenServer.StartAsync();
        await using var gateway = await GatewayHarness.StartInFrontOfAsync(siren.Port, _tokens.Configure);
        await using var viewer = await gateway.ConnectWithTokenAsync(_tokens["viewer"]);
        foreach (string statement in (string[])["DROP TABLE images", "DELETE FROM images", "UPDATE images SET label = 'x'", "INSERT INTO images VALUES (9, 'x', 'y')"])
            Assert.That((await viewer.RequestAsync(statement)).Text, Does.StartWith("Command failed.\nPermission denied: "));
        Assert.That((await viewer.RequestAsync("SELECT count(*) FROM images")).Text, Is.EqualTo("count(*)\n5\n"));
        Assert.That(siren.Commands, Is.EqualTo(new[] { "SELECT count(*) FROM images" }));
    }

    /// <summary>The control: the same server does drop the table for an admin, so the checks above can fail.</summary>
    [Test]
    public async Task AdminsDrop_DoesDropTheTable()
    {
        await using var siren = await RealSirenServer.StartAsync();
        await using var gateway = await GatewayHarness.StartInFrontOfAsync(siren.Port, _tokens.Configure);
        await using var admin = await gateway.ConnectWithTokenAsync(_tokens["admin"]);
        Assert.That((await admin.RequestAsync("SELECT count(*) FROM images")).Text, Is.EqualTo("count(*)\n5\n"));
        await admin.RequestAsync("DROP TABLE images");
        Assert.That((await admin.RequestAsync("SELECT count(*) FROM images")).Text, Is.Empty, "no table, no rows: SiREN swallows the SQL error");
    }
}
