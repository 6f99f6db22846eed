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
    private OperatorEndpoints _endpoints = null!;

    [SetUp]
    public void SetUp()
    {
        _tree = new TempTree();
        var metrics = new Metrics();
        _pool = new SirenPool(new GatewayOptions(), metrics, NullLogger.Instance);
        _endpoints = new OperatorEndpoints(metrics, _pool, new SirenHealth(), new RootWatch(_tree.Root), new Lifecycle());
    }

    [TearDown]
    public void TearDown()
    {
        _pool.Dispose();
        _tree.Dispose();
    }

    private static RequestHead Head(string method, string target)
    {
        var parser = new RequestHeadParser();
        Assert.That(parser.Feed(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: x\r\n\r\n"), out _), Is.EqualTo(HeadParseStatus.Complete));
        return parser.Head!;
    }

    private string Answer(string method, string target, OperatorEndpoints.Place place) =>
        Encoding.UTF8.GetString(_endpoints.Answer(Head(method, target), place));

    [TestCase("/healthz")]
    [TestCase("/metrics")]
    [TestCase("/healthz?x=1")]
    public void Hidden_EndpointsAnswerAsAnyUnknownPath(string target)
    {
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
}
