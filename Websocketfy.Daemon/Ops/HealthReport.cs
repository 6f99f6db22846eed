using System.Buffers;
using System.Text;
using System.Text.Json;
using Websocketfy.Daemon.Backend;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The /healthz answer. The HTTP status is what a load balancer acts on: 200 while new clients can be
/// served, 503 when they cannot (draining after SIGTERM, or the file root gone). SiREN down alone is
/// "degraded" and still 200: file downloads work, and SQL commands get a prompt "Command failed." reply.
/// </summary>
internal static class HealthReport
{
    /// <param name="rootProblem">Why files cannot be served, or null.</param>
    /// <param name="connections">WebSocket connections open.</param>
    public static (int StatusCode, string Json) Render(bool draining, string? rootProblem, SirenStatus siren, TimeSpan uptime, long connections)
    {
        (string status, int code) = draining ? ("draining", 503)
            : rootProblem is not null ? ("unavailable", 503)
            : siren.State == SirenState.Down ? ("degraded", 200)
            : ("ok", 200);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteStartObject("siren");
            json.WriteString("state", siren.State switch { SirenState.Up => "up", SirenState.Down => "down", _ => "unknown" });
            json.WriteString("last_error", siren.LastError);
            json.WriteEndObject();
            json.WriteStartObject("root");
            json.WriteString("state", rootProblem is null ? "ok" : "gone");
            json.WriteString("error", rootProblem);
            json.WriteEndObject();
            json.WriteNumber("uptime_seconds", (long)uptime.TotalSeconds);
            json.WriteNumber("connections", connections);
            json.WriteEndObject();
        }
        return (code, Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
    }
}
