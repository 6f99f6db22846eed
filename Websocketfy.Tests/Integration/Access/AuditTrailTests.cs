using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>The audit trail of the real daemon: a line per connection attempt and per command, flushed
/// by the graceful stop.</summary>
public sealed class AuditTrailTests : AuditedFixture
{
    [Test]
    public async Task ConnectionsAndCommands_AreEachOneLine_WrittenByTheGracefulStop()
    {
        const string Select = "SELECT * FROM images WHERE label = 'nodule'";
        var gateway = await GatewayHarness.StartAsync(o => Tokens.Configure(o) with { AuditLog = AuditPath },
                                                      populate: t => t.Write("study/a.dcm", [1, 2, 3, 4]));
        await using (var client = await gateway.ConnectWithTokenAsync(Tokens["viewer"]))
        {
            await client.RequestAsync("REQUEST study/a.dcm");
            await client.RequestAsync("REQUEST study/missing.dcm");
            await client.RequestAsync(Select);
            await client.RequestAsync("DROP TABLE images");
        }
        await Upgrade.TryAsync(gateway.Port, "Authorization: Bearer wrong\r\n");
        await gateway.DisposeAsync(); // the graceful stop

        var lines = Lines();
        Assert.That(lines.Select(l => l.GetProperty("event").GetString()), Is.EqualTo(new[] { "connect", "file", "file", "sql", "sql", "connect" }));
        Assert.That(lines.Take(5).Select(l => l.GetProperty("identity").GetString()), Has.All.EqualTo("viewer-user"));
        Assert.That(lines.Select(l => l.GetProperty("client").GetString()), Has.All.EqualTo("127.0.0.1"));
        Assert.That(lines.Select(l => l.GetProperty("time").GetString()), Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));

        Assert.That(Fields(lines[0], "outcome", "status", "role"), Is.EqualTo("ok|101|viewer"));
        Assert.That(Fields(lines[1], "path", "bytes", "outcome"), Is.EqualTo("study/a.dcm|4|ok"));
        Assert.That(Fields(lines[2], "path", "outcome"), Is.EqualTo("study/missing.dcm|not found"));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Select)));
        Assert.That(Fields(lines[3], "statement", "sql_sha256", "outcome"), Is.EqualTo($"SELECT|{hash}|ok"));
        Assert.That(lines[3].TryGetProperty("sql", out _), Is.False, "no SQL text without --audit-sql-text");
        Assert.That(Fields(lines[4], "statement", "outcome"), Is.EqualTo("DROP|denied"));
        Assert.That(Fields(lines[5], "outcome", "status", "detail"), Is.EqualTo("refused|401|invalid: unknown token"));
        Assert.That(lines[5].GetProperty("identity").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(lines.Skip(1).Take(4).Select(l => l.GetProperty("duration_ms").GetDouble()), Has.All.GreaterThanOrEqualTo(0));
        Assert.That(File.ReadAllText(AuditPath), Does.Not.Contain(Tokens["viewer"]));
    }

    [Test]
    public async Task AuditSqlText_PutsTheTextIn()
    {
        var gateway = await GatewayHarness.StartAsync(o => o with { AuditLog = AuditPath, AuditSqlText = true });
        await using (var client = await gateway.ConnectAsync())
            await client.RequestAsync("SELECT id FROM images WHERE id = 2");
        await gateway.DisposeAsync();
        var sql = Lines().Single(l => l.GetProperty("event").GetString() == "sql");
        Assert.That(Fields(sql, "sql", "identity", "role"), Is.EqualTo("SELECT id FROM images WHERE id = 2|anonymous|admin"));
    }

    [Test]
    public async Task EveryLineOfABusyRun_ReachesTheFile()
    {
        var gateway = await GatewayHarness.StartAsync(o => o with { AuditLog = AuditPath });
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => gateway.ConnectAsync()));
        await Task.WhenAll(clients.Select(async c =>
        {
            for (int i = 0; i < 50; i++) await c.RequestAsync("SELECT 1");
            await c.DisposeAsync();
        }));
        await gateway.DisposeAsync();
        Assert.That(Lines().Count(l => l.GetProperty("event").GetString() == "sql"), Is.EqualTo(400));
        Assert.That(Lines().Count(l => l.GetProperty("event").GetString() == "connect"), Is.EqualTo(8));
    }
}
