using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Files;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>The answers to plain HTTP requests: /healthz and /metrics for operators, 404 for anything else,
/// and 404 for those two as well where they are not served to this client.</summary>
internal sealed class OperatorEndpoints(Metrics metrics, SirenPool pool, SirenHealth siren, RootWatch root, Lifecycle lifecycle)
{
    private const string JsonType = "application/json";
    private const string PrometheusType = "text/plain; version=0.0.4; charset=utf-8";

    public enum Place
    {
        /// <summary>The main port, to a client the operator endpoints are not served to there.</summary>
        MainPortHidden,
        /// <summary>The main port, to a loopback client while ops-bind is not set.</summary>
        MainPort,
        /// <summary>The ops-bind listener.</summary>
        OpsListener,
    }

    public byte[] Answer(RequestHead head, Place place)
    {
        string path = head.Target;
        int query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        bool served = place != Place.MainPortHidden && path is ("/healthz" or "/metrics");
        if (!served)
        {
            return HttpResponses.Error(404, place switch
            {
                Place.MainPort => "Not found. This port serves WebSocket upgrades, /healthz and /metrics.",
                Place.OpsListener => "Not found. This port serves /healthz and /metrics.",
                // The same text for every path: a client not allowed the endpoints cannot tell they exist.
                _ => "Not found. This port serves WebSocket upgrades.",
            });
        }
        if (head.Method is not ("GET" or "HEAD")) return HttpResponses.Error(405, "Only GET is allowed here.");
        byte[] answer = path == "/healthz" ? Health() : HttpResponses.Plain(200, PrometheusType, Prometheus());
        return head.Method == "HEAD" ? HeadOnly(answer) : answer;
    }

    public (int StatusCode, string Json) HealthJson() =>
        HealthReport.Render(lifecycle.IsDraining, root.Problem(), siren.Status, lifecycle.Uptime, metrics.OpenSessions);

    public string Prometheus() =>
        metrics.RenderPrometheus(new LiveGauges(pool.IdleCount, pool.BusyCount, pool.WaitingCount, siren.State == SirenState.Up));

    private byte[] Health()
    {
        var (status, json) = HealthJson();
        return HttpResponses.Plain(status, JsonType, json);
    }

    /// <summary>HEAD gets the GET answer's head (with its Content-Length) and no body.</summary>
    private static byte[] HeadOnly(byte[] answer)
    {
        int end = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        return answer[..(end + 4)];
    }
}
