using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Websocketfy.Protocol.V2;

/// <summary>What a file looked like when it was opened: for start and stat replies.</summary>
/// <param name="ModifiedUnixSeconds">Modification time, seconds since 1970-01-01 UTC.</param>
/// <param name="ModifiedNanoseconds">The fraction of that second, 0..999999999.</param>
public readonly record struct V2FileFacts(long Size, long ModifiedUnixSeconds, uint ModifiedNanoseconds)
{
    /// <summary>RFC 3339 in UTC with milliseconds, the form JavaScript's Date.toISOString() gives
    /// ("2025-01-31T09:15:02.250Z"), so a browser can compare it as a string.</summary>
    public string ModifiedRfc3339 =>
        DateTimeOffset.FromUnixTimeSeconds(ModifiedUnixSeconds).AddTicks(ModifiedNanoseconds / 100)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// The server's v2 text messages (PROTOCOL-V2.md), written with <see cref="Utf8JsonWriter"/>. Only final
/// messages carry "ok". Non-ASCII text is written as UTF-8, not as \u escapes.
/// </summary>
public static class V2Replies
{
    /// <summary>UTF-8 as is (control characters, quotes and backslashes escaped, as JSON requires).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>{"id": N or null, "ok": false, "error": {"code": ..., "message": ...}}; id 0 = null.</summary>
    public static void Error(IBufferWriter<byte> output, int id, string code, string message)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        BeginError(json, id, code);
        json.WriteStringValue(message);
        EndError(json);
    }

    /// <summary>Writes up to the error's "message" name, so a long message (SiREN's text) can follow in segments.</summary>
    public static void BeginError(Utf8JsonWriter json, int id, string code)
    {
        json.WriteStartObject();
        WriteId(json, id);
        json.WriteBoolean("ok"u8, false);
        json.WritePropertyName("error"u8);
        json.WriteStartObject();
        json.WriteString("code"u8, code);
        json.WritePropertyName("message"u8);
    }

    public static void EndError(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>{"id": N, "ok": true}: a cancel's answer.</summary>
    public static void Ok(IBufferWriter<byte> output, int id)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        WriteId(json, id);
        json.WriteBoolean("ok"u8, true);
        json.WriteEndObject();
    }

    /// <summary>{"id": N, "start": {"size", "offset", "length", "mtime"}}: a get's first message.</summary>
    public static void Start(IBufferWriter<byte> output, int id, V2FileFacts file, long offset, long length)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        WriteId(json, id);
        json.WritePropertyName("start"u8);
        json.WriteStartObject();
        json.WriteNumber("size"u8, file.Size);
        json.WriteNumber("offset"u8, offset);
        json.WriteNumber("length"u8, length);
        json.WriteString("mtime"u8, file.ModifiedRfc3339);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>{"id": N, "ok": true, "done": {"bytes": L, "sha256": hex}}; no sha256 member when empty.</summary>
    public static void Done(IBufferWriter<byte> output, int id, long bytes, ReadOnlySpan<byte> sha256)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        BeginOkWith(json, id, "done"u8);
        json.WriteNumber("bytes"u8, bytes);
        EndOkWith(json, sha256);
    }

    /// <summary>{"id": N, "ok": true, "stat": {"size", "mtime", "sha256"}}; no sha256 member when empty.</summary>
    public static void Stat(IBufferWriter<byte> output, int id, V2FileFacts file, ReadOnlySpan<byte> sha256)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        BeginOkWith(json, id, "stat"u8);
        json.WriteNumber("size"u8, file.Size);
        json.WriteString("mtime"u8, file.ModifiedRfc3339);
        EndOkWith(json, sha256);
    }

    /// <summary>{"id": N, "ok": true, "member": { — the member's object is left open.</summary>
    private static void BeginOkWith(Utf8JsonWriter json, int id, ReadOnlySpan<byte> member)
    {
        json.WriteStartObject();
        WriteId(json, id);
        json.WriteBoolean("ok"u8, true);
        json.WritePropertyName(member);
        json.WriteStartObject();
    }

    /// <summary>The hash (when there is one) as lower-case hex, then both objects closed.</summary>
    private static void EndOkWith(Utf8JsonWriter json, ReadOnlySpan<byte> sha256)
    {
        if (!sha256.IsEmpty) json.WriteString("sha256"u8, Convert.ToHexStringLower(sha256));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes {"id": N, "ok": true, "text": — the text follows in segments
    /// (<see cref="Utf8JsonWriter.WriteStringValueSegment(ReadOnlySpan{byte}, bool)"/>), then
    /// <see cref="EndSql"/>.</summary>
    public static void BeginSql(Utf8JsonWriter json, int id)
    {
        json.WriteStartObject();
        WriteId(json, id);
        json.WriteBoolean("ok"u8, true);
        json.WritePropertyName("text"u8);
    }

    /// <summary>After the text: "rows_ambiguous": true when the table could not be cut for certain
    /// (otherwise the caller wrote "columns" and "rows" with <see cref="SirenTableJson"/>), then the end.</summary>
    public static void EndSql(Utf8JsonWriter json, bool rowsAmbiguous)
    {
        if (rowsAmbiguous) json.WriteBoolean("rows_ambiguous"u8, true);
        json.WriteEndObject();
    }

    /// <summary>A whole sql reply from a text held in one piece (blank SQL, tests).</summary>
    public static void Sql(IBufferWriter<byte> output, int id, ReadOnlySpan<byte> text)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        BeginSql(json, id);
        json.WriteStringValue(text);
        var shape = new SirenTableShape();
        shape.Feed(text);
        shape.Finish();
        if (shape.IsCertain)
        {
            var table = new SirenTableJson(json);
            table.Feed(text);
            table.Finish();
        }
        EndSql(json, !shape.IsCertain);
    }

    private static void WriteId(Utf8JsonWriter json, int id)
    {
        if (id > 0) json.WriteNumber("id"u8, id);
        else json.WriteNull("id"u8);
    }
}
