using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Http;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The answers by place: where the endpoints are hidden, they answer exactly as an unknown path.</summary>
public sealed class OperatorEndpointsTests
{
    private TempTree _tree = null!;
    private SirenPool _pool = null!;
    private LiveOptions _live = null!;
    private OperatorEndpoints _endpoints = null!;

    [SetUp]
    public void SetUp()
    {
        _tree = new TempTree();
        var metrics = new Metrics();
        _live = new LiveOptions(new GatewayOptions { Root = _tree.Root });
        _pool = new SirenPool(_live.Current, metrics, NullLogger.Instance);
        _endpoints = new OperatorEndpoints(metrics, _pool, new SirenHealth(), new RootWatch(_tree.Root), new Lifecycle(), _live);
    }

    [TearDown]
    public void TearDown()
    {
        _pool.Dispose();
        _tree.Dispose();
    }

    private static RequestHead Head(string method, string target, string? host)
    {
        var parser = new RequestHeadParser();
        string hostLine = host is null ? "" : $"Host: {host}\r\n";
        Assert.That(parser.Feed(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\n{hostLine}\r\n"), out _), Is.EqualTo(HeadParseStatus.Complete));
        return parser.Head!;
    }

    private string Answer(string method, string target, OperatorEndpoints.Place place, string? host = "x") =>
        Encoding.UTF8.GetString(_endpoints.Answer(Head(method, target, host), place));

    [TestCase("/healthz")]
    [TestCase("/metrics")]
    [TestCase("/healthz?x=1")]
    [TestCase("/")]
    public void Hidden_EndpointsAnswerAsAnyUnknownPath(string target)
    {
        _live.Replace(_live.Current with { Console = true });
        string unknown = Answer("GET", "/nothing", OperatorEndpoints.Place.MainPortHidden);
        Assert.That(unknown, Does.StartWith("HTTP/1.1 404 "));
        Assert.That(unknown, Does.Not.Contain("healthz").And.Not.Contain("metrics"), "does not tell they exist");
        Assert.That(Answer("GET", target, OperatorEndpoints.Place.MainPortHidden), Is.EqualTo(unknown));
        Assert.That(Answer("POST", target, OperatorEndpoints.Place.MainPortHidden), Is.EqualTo(unknown), "not even a 405");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Served_EndpointsAnswer200(bool opsListener)
    {
        var place = opsListener ? OperatorEndpoints.Place.OpsListener : OperatorEndpoints.Place.MainPort;
        Assert.That(Answer("GET", "/healthz", place), Does.StartWith("HTTP/1.1 200 ").And.Contain("Content-Type: application/json"));
        Assert.That(Answer("GET", "/metrics", place), Does.StartWith("HTTP/1.1 200 ").And.Contain("# TYPE websocketfy_commands_total counter"));
        Assert.That(Answer("GET", "/other", place), Does.StartWith("HTTP/1.1 404 "));
        Assert.That(Answer("DELETE", "/metrics", place), Does.StartWith("HTTP/1.1 405 "));
    }

    [Test]
    public void Console_IsServedOnlyWhileOn_WhereTheOtherEndpointsAre()
    {
        _endpoints.Listening(new MainPortAddress(IPAddress.IPv6Any, 8080, Tls: false), IPAddress.Parse("10.0.0.5"));
        foreach (var place in (OperatorEndpoints.Place[])[OperatorEndpoints.Place.MainPort, OperatorEndpoints.Place.OpsListener])
            Assert.That(Answer("GET", "/", place), Does.StartWith("HTTP/1.1 404 ").And.Not.Contain("console"), $"off by default ({place})");
        _live.Replace(_live.Current with { Console = true });
        foreach (var place in (OperatorEndpoints.Place[])[OperatorEndpoints.Place.MainPort, OperatorEndpoints.Place.OpsListener])
        {
            Assert.That(Answer("GET", "/", place), Does.StartWith("HTTP/1.1 200 ").And.Contain("Content-Security-Policy: "), place.ToString());
            Assert.That(Answer("GET", "/other", place), Does.StartWith("HTTP/1.1 404 ").And.Contain("the console at /"), place.ToString());
        }
    }

    [Test]
    public void Console_OnTheMainPort_ConnectsBackToWhereItCameFrom()
    {
        _live.Replace(_live.Current with { Console = true });
        string page = Answer("GET", "/", OperatorEndpoints.Place.MainPort);
        Assert.That(page, Does.Contain("connect-src 'self';").And.Contain(ConsolePage.GatewayMeta));
    }

    [Test]
    public void Console_OnTheOpsListener_IsToldTheMainPort_AndItsPolicyAllowsExactlyThat()
    {
        _live.Replace(_live.Current with { Console = true });
        _endpoints.Listening(new MainPortAddress(IPAddress.IPv6Any, 8080, Tls: true), IPAddress.Parse("10.0.0.5"));
        string page = Answer("GET", "/", OperatorEndpoints.Place.OpsListener, host: "gateway.example.org:9100");
        Assert.That(page, Does.Contain("connect-src wss://gateway.example.org:8080;").And.Not.Contain("'self'"));
        Assert.That(page, Does.Contain("<meta name=\"websocketfy-gateway\" content=\"wss://gateway.example.org:8080/\">"));
        Assert.That(page, Does.Not.Contain(ConsolePage.GatewayMeta));
    }

    [TestCase(null)]
    [TestCase("bad host")]
    public void Console_OnTheOpsListener_WithoutAHostToUse_Is400_AndHeadHasNoBody(string? host)
    {
        _live.Replace(_live.Current with { Console = true });
        _endpoints.Listening(new MainPortAddress(IPAddress.IPv6Any, 8080, Tls: false), IPAddress.Parse("10.0.0.5"));
        string get = Answer("GET", "/", OperatorEndpoints.Place.OpsListener, host);
        Assert.That(get, Does.StartWith("HTTP/1.1 400 ").And.Contain("Host header"));
        Assert.That(Answer("HEAD", "/", OperatorEndpoints.Place.OpsListener, host), Is.EqualTo(get[..(get.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]));
    }

    [Test]
    public void Console_OnTheOpsListener_HeadGetsTheHeadersWithoutTheBody()
    {
        _live.Replace(_live.Current with { Console = true });
        _endpoints.Listening(new MainPortAddress(IPAddress.Loopback, 8080, Tls: false), IPAddress.Loopback);
        string get = Answer("GET", "/", OperatorEndpoints.Place.OpsListener);
        Assert.That(Answer("HEAD", "/", OperatorEndpoints.Place.OpsListener), Is.EqualTo(get[..(get.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]));
    }

    [Test]
    public void Head_OfAnUnknownPath_GetsThe404sHeadWithoutItsBody()
    {
        foreach (OperatorEndpoints.Place place in Enum.GetValues<OperatorEndpoints.Place>())
        {
            string get = Answer("GET", "/nothing", place);
            Assert.That(get, Does.StartWith("HTTP/1.1 404 "), place.ToString());
            Assert.That(Answer("HEAD", "/nothing", place), Is.EqualTo(get[..(get.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]), place.ToString());
        }
    }
}
