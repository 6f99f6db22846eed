using System.Net;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>The answers to plain HTTP requests: /healthz and /metrics for operators, with --console the console
/// page at /, 404 for anything else, and 404 for those as well where they are not served to this client. The console
/// is served where the other two are (the main port to loopback clients, or the ops listener); its WebSocket always
/// goes to the main port.</summary>
internal sealed class OperatorEndpoints(Metrics metrics, SirenPool pool, SirenHealth siren, RootWatch root, Lifecycle lifecycle,
                                        LiveOptions live)
{
    private const string JsonType = "application/json";
    private const string PrometheusType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Assembled on first use, then kept: a reload may turn --console on and off.</summary>
    private readonly Lazy<ConsolePage> _console = new(ConsolePage.Load);

    /// <summary>Where the main port and the ops listener are bound; set by <see cref="Listening"/> before either serves.</summary>
    private MainPortAddress? _mainPort;
    private IPAddress? _opsAddress;

    public enum Place
    {
        /// <summary>The main port, to a client the operator endpoints are not served to there.</summary>
        MainPortHidden,
        /// <summary>The main port, to a loopback client while ops-bind is not set.</summary>
        MainPort,
        /// <summary>The ops-bind listener.</summary>
        OpsListener,
    }

    /// <summary>Tells where the main port listens (the console on the ops listener sends its WebSocket there)
    /// and the ops listener's address, once both are bound.</summary>
    public void Listening(MainPortAddress mainPort, IPAddress? opsAddress)
    {
        _mainPort = mainPort;
        _opsAddress = opsAddress;
    }

    /// <summary>The whole answer; for HEAD, the same head without its body (errors included, RFC 9110 §9.3.2).</summary>
    public byte[] Answer(RequestHead head, Place place)
    {
        bool headOnly = head.Method == "HEAD";
        byte[] answer = Answer(head, place, headOnly);
        return headOnly ? HttpResponses.HeadOnly(answer) : answer;
    }

    private byte[] Answer(RequestHead head, Place place, bool headOnly)
    {
        string path = head.Target;
        int query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        bool consoleOn = place != Place.MainPortHidden && live.Current.Console;
        bool console = consoleOn && path == "/";
        bool served = console || (place != Place.MainPortHidden && path is ("/healthz" or "/metrics"));
        if (!served)
        {
            return HttpResponses.Error(404, place switch
            {
                Place.MainPort when consoleOn => "Not found. This port serves WebSocket upgrades, the console at /, /healthz and /metrics.",
                Place.MainPort => "Not found. This port serves WebSocket upgrades, /healthz and /metrics.",
                Place.OpsListener when consoleOn => "Not found. This port serves the console at /, /healthz and /metrics.",
                Place.OpsListener => "Not found. This port serves /healthz and /metrics.",
                // The same text for every path: a client not allowed the endpoints cannot tell they exist.
                _ => "Not found. This port serves WebSocket upgrades.",
            });
        }
        if (head.Method is not ("GET" or "HEAD")) return HttpResponses.Error(405, "Only GET is allowed here.");
        if (console) return place == Place.MainPort ? _console.Value.Answer(headOnly) : ConsoleOnOpsListener(head, headOnly);
        return path == "/healthz" ? Health() : HttpResponses.Plain(200, PrometheusType, Prometheus());
    }

    /// <summary>The console for the ops listener: its WebSocket goes to the main port, by the host the operator
    /// used when the main port listens there too (so it needs a Host header naming one).</summary>
    private byte[] ConsoleOnOpsListener(RequestHead head, bool headOnly)
    {
        MainPortAddress main = _mainPort ?? throw new InvalidOperationException("the console is asked for before the main port is bound");
        ConsoleSocketTarget? target = ConsoleSocketTarget.For(main, _opsAddress ?? IPAddress.None,
                                                              head.HeaderCount("Host") == 1 ? head.GetHeader("Host") : null);
        if (target is null)
        {
            return HttpResponses.Error(400,
                "The console needs one Host header naming this listener (a host name or an IP address): its WebSocket goes to the main port on that host.");
        }
        return _console.Value.Answer(target, headOnly);
    }

    private (int StatusCode, string Json) HealthJson() =>
        HealthReport.Render(lifecycle.IsStopping, root.Problem(), siren.Status, lifecycle.Uptime, metrics.OpenSessions);

    public string Prometheus() =>
        metrics.RenderPrometheus(new LiveGauges(pool.IdleCount, pool.BusyCount, pool.WaitingCount, siren.State == SirenState.Up));

    private byte[] Health()
    {
        var (status, json) = HealthJson();
        return HttpResponses.Plain(status, JsonType, json);
    }
}
