using System.Net;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>Plain HTTP on the WebSocket port is for operators: /healthz, /metrics and, with --console, the console at /.</summary>
internal static class OperatorEndpoints
{
    public static byte[] Answer(RequestHead head, SessionContext context, IPAddress peer)
    {
        string path = head.Target;
        int query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        bool console = path == "/" && context.Console is not null;
        bool known = console || path is "/healthz" or "/metrics";
        if (!known) return HttpResponses.Error(404, context.Console is null
            ? "Not found. This port serves WebSocket upgrades, /healthz and /metrics."
            : "Not found. This port serves WebSocket upgrades, the console at /, /healthz and /metrics.");
        if (head.Method is not ("GET" or "HEAD")) return HttpResponses.Error(405, "Only GET is allowed here.");
        bool headOnly = head.Method == "HEAD";
        if (console)
        {
            return OperatorAccess.IsAllowed(peer)
                ? context.Console!.Answer(headOnly)
                : HttpResponses.Error(403, "The console is served to clients on this machine only (loopback).");
        }
        byte[] answer = path == "/healthz"
            ? HttpResponses.Plain(200, "text/plain; charset=utf-8", "ok\n")
            : HttpResponses.Plain(200, "text/plain; version=0.0.4; charset=utf-8",
                                  context.Metrics.RenderPrometheus(context.Pool.IdleCount));
        return headOnly ? HttpResponses.HeadOnly(answer) : answer;
    }
}
