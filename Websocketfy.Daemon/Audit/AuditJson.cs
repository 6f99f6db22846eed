using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Websocketfy.Daemon.Audit;

/// <summary>An <see cref="AuditRecord"/> as one JSON line, written field by field with Utf8JsonWriter
/// (no reflection, so the native binary needs no serialisation metadata).</summary>
internal static class AuditJson
{
    // The default encoder escapes anything not safe in HTML too ("<", "'", "+"); a log line only needs
    // valid JSON on one line, and the relaxed encoder still escapes control characters and quotes.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    public static void Write(IBufferWriter<byte> output, AuditRecord record)
    {
        using (var json = new Utf8JsonWriter(output, Options))
        {
            json.WriteStartObject();
            json.WriteString("time", record.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("event", record.Event);
            json.WriteString("identity", record.Identity);
            json.WriteString("role", record.Role);
            json.WriteString("client", record.Client);
            if (record.RequestId is { } id) json.WriteNumber("request_id", id);
            if (record.Status is { } status) json.WriteNumber("status", status);
            if (record.Path is not null) json.WriteString("path", record.Path);
            if (record.Statement is not null) json.WriteString("statement", record.Statement);
            if (record.SqlSha256 is not null) json.WriteString("sql_sha256", record.SqlSha256);
            if (record.SqlText is not null) json.WriteString("sql", record.SqlText);
            if (record.Bytes is { } bytes) json.WriteNumber("bytes", bytes);
            json.WriteString("outcome", record.Outcome);
            if (record.Detail is not null) json.WriteString("detail", record.Detail);
            if (record.DurationMs is { } duration) json.WriteNumber("duration_ms", Math.Round(duration, 3));
            json.WriteEndObject();
        }
        output.Write("\n"u8);
    }
}
