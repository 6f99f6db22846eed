using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Websocketfy.Tests.Integration.Access;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>v2 requests pass the classic permission check (roles from a tokens file) and leave one audit line
/// each, with their request id.</summary>
[TestFixture]
public sealed class V2AccessTests : AuditedFixture
{
    private Task<GatewayHarness> StartAsync() =>
        GatewayHarness.StartAsync(o => Tokens.Configure(o) with { AuditLog = AuditPath }, populate: t => t.Write("study/a.dcm", [1, 2, 3, 4]));

    private Task<V2Client> ConnectAsync(GatewayHarness gateway, string role) =>
        V2Client.ConnectAsync(gateway.Port, o => o.SetRequestHeader("Authorization", "Bearer " + Tokens[role]));

    [Test]
    public async Task Viewer_ReadsAndDownloads_ButAWriteIsPermissionDenied_AndTheConnectionStays()
    {
        await using var gateway = await StartAsync();
        await using var client = await ConnectAsync(gateway, "viewer");

        await client.SqlAsync(1, "DROP TABLE images");
        var denied = await client.ReceiveJsonAsync();
        await client.GetAsync(2, "study/a.dcm");
        var download = (await client.FollowAsync([2], keepBytes: true))[2];

        Assert.That(V2Json.Text(denied), Is.EqualTo(
            """{"id":1,"ok":false,"error":{"code":"permission_denied","message":"Permission denied: DROP needs the sql-write permission."}}"""));
        Assert.That(download.Kept, Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        await client.AssertServedAsync(3);
    }

    [Test]
    public async Task FilesRole_MayGetAndStat_ButNotSelect()
    {
        await using var gateway = await StartAsync();
        await using var client = await ConnectAsync(gateway, "files");

        await client.SqlAsync(1, "select * from images");
        var denied = await client.ReceiveJsonAsync();
        await client.StatAsync(2, "study/a.dcm");
        var stat = await client.ReceiveJsonAsync();

        Assert.That(denied["error"]!["message"]!.GetValue<string>(), Is.EqualTo("Permission denied: SELECT needs the sql-read permission."));
        Assert.That(stat["stat"]!["size"]!.GetValue<long>(), Is.EqualTo(4));
    }

    [Test]
    public async Task EveryRequest_IsOneAuditLine_WithItsId()
    {
        var gateway = await StartAsync();
        await using (var client = await ConnectAsync(gateway, "viewer"))
        {
            await client.GetAsync(1, "study/a.dcm");
            await client.FollowAsync([1]);
            await client.StatAsync(2, "study/missing.dcm");
            await client.ReceiveJsonAsync();
            await client.SqlAsync(3, "SELECT 1 AS a");
            await client.ReceiveJsonAsync();
            await client.SqlAsync(4, "DELETE FROM images");
            await client.ReceiveJsonAsync();
            await client.CancelAsync(5, target: 77);
            await client.ReceiveJsonAsync();
            await client.SendAsync("not json");
            await client.ReceiveJsonAsync();
        }
        await gateway.DisposeAsync(); // the graceful stop flushes the audit log

        var lines = Lines().Skip(1).ToList();
        Assert.That(lines.Select(l => Fields(l, "event", "request_id", "outcome")), Is.EqualTo(new[]
        {
            "file|1|ok", "stat|2|not found", "sql|3|ok", "sql|4|denied", "cancel|5|refused", "invalid||refused",
        }));
        Assert.That(Fields(lines[0], "path", "bytes", "identity"), Is.EqualTo("study/a.dcm|4|viewer-user"));
        Assert.That(Fields(lines[2], "statement", "sql_sha256"), Is.EqualTo("SELECT|" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("SELECT 1 AS a")))));
        Assert.That(Fields(lines[4], "detail"), Is.EqualTo("unknown_id: no request 77 is in flight"));
    }
}
