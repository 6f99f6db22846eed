using System.Buffers;
using System.Text;
using System.Text.Json;
using Websocketfy.Daemon.Audit;

namespace Websocketfy.Tests.Daemon.Audit;

public class AuditJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static string Line(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AuditJson.Write(buffer, record);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Test]
    public void SqlCommand_IsOneLineWithItsFields()
    {
        string line = Line(new AuditRecord
        {
            Time = Time, Event = "sql", Identity = "alice", Role = "viewer", Client = "192.0.2.7", Outcome = "ok",
            Statement = "SELECT", SqlSha256 = "ab12", Bytes = 42, DurationMs = 1.23456,
        });
        Assert.That(line, Is.EqualTo("{\"time\":\"2026-01-02T03:04:05.678Z\",\"event\":\"sql\",\"identity\":\"alice\",\"role\":\"viewer\","
            + "\"client\":\"192.0.2.7\",\"statement\":\"SELECT\",\"sql_sha256\":\"ab12\",\"bytes\":42,\"outcome\":\"ok\",\"duration_ms\":1.235}\n"));
    }

    [Test]
    public void RefusedConnection_HasNullIdentity_AndItsStatus()
    {
        string line = Line(new AuditRecord { Time = Time, Event = "connect", Client = "::1", Outcome = "refused", Status = 401, Detail = "missing: no credential" });
        Assert.That(line, Is.EqualTo("{\"time\":\"2026-01-02T03:04:05.678Z\",\"event\":\"connect\",\"identity\":null,\"role\":null,"
            + "\"client\":\"::1\",\"status\":401,\"outcome\":\"refused\",\"detail\":\"missing: no credential\"}\n"));
    }

    [Test]
    public void PeerText_CannotBreakTheLine()
    {
        string line = Line(new AuditRecord { Time = Time, Event = "file", Client = "::1", Outcome = "ok", Path = "a\nb\"c\\d\u0001<é>", Identity = "x", Role = "y" });
        Assert.That(line.TrimEnd('\n'), Does.Not.Contain("\n"));
        using var json = JsonDocument.Parse(line);
        Assert.That(json.RootElement.GetProperty("path").GetString(), Is.EqualTo("a\nb\"c\\d\u0001<é>"));
    }
}
