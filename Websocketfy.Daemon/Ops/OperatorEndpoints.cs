using Websocketfy.Daemon.Sessions;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>Plain HTTP on the WebSocket port is for operators: /healthz and /metrics.</summary>
internal static class OperatorEndpoints
{
    public static byte[] Answer(RequestHead head, SessionContext context)
    {
        string path = head.Target;
        int query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        bool known = path is "/healthz" or "/metrics";
        if (!known) return HttpResponses.Error(404, "Not found. This port serves WebSocket upgrades, /healthz and /metrics.");
        if (head.Method is not ("GET" or "HEAD")) return HttpResponses.Error(405, "Only GET is allowed here.");
        return path == "/healthz"
            ? HttpResponses.Plain(200, "text/plain; charset=utf-8", "ok\n")
            : HttpResponses.Plain(200, "text/plain; version=0.0.4; charset=utf-8",
                                  context.Metrics.RenderPrometheus(context.Pool.IdleCount));
    }
}
