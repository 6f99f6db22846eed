using System.Net;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>Where the console's WebSocket goes when the page came from the ops listener, and what its policy allows.</summary>
public sealed class ConsoleSocketTargetTests
{
    private static readonly IPAddress Ops = IPAddress.Parse("10.0.0.5");

    private static ConsoleSocketTarget? For(string bind, string? host, bool tls = false) =>
        ConsoleSocketTarget.For(new MainPortAddress(IPAddress.Parse(bind), 8080, tls), Ops, host);

    [TestCase("::", "10.0.0.5:9100", "ws://10.0.0.5:8080/", "ws://10.0.0.5:8080")]
    [TestCase("0.0.0.0", "Gateway.Example.org:9100", "ws://gateway.example.org:8080/", "ws://gateway.example.org:8080")]
    [TestCase("10.0.0.5", "gateway.example.org", "ws://gateway.example.org:8080/", "ws://gateway.example.org:8080")]
    [TestCase("::", "[::1]:9100", "ws://[::1]:8080/", "ws://*:8080")]
    [TestCase("::", "[2001:DB8::5]", "ws://[2001:db8::5]:8080/", "ws://*:8080")]
    public void MainPortListeningWhereThePageCameFrom_UsesTheHostThePageWasOpenedBy(string bind, string host, string url, string source) =>
        Assert.That(For(bind, host), Is.EqualTo(new ConsoleSocketTarget(url, source)));

    [TestCase("127.0.0.1", "ws://127.0.0.1:8080/", "ws://127.0.0.1:8080")]
    [TestCase("192.168.7.2", "ws://192.168.7.2:8080/", "ws://192.168.7.2:8080")]
    [TestCase("fd00::7", "ws://[fd00::7]:8080/", "ws://*:8080")]
    public void MainPortBoundElsewhere_UsesItsAddress_WhateverTheHostHeader(string bind, string url, string source)
    {
        Assert.That(For(bind, "gateway.example.org:9100"), Is.EqualTo(new ConsoleSocketTarget(url, source)));
        Assert.That(For(bind, null), Is.EqualTo(new ConsoleSocketTarget(url, source)), "no Host header needed");
    }

    [Test]
    public void Tls_MakesItWss() =>
        Assert.That(For("::", "gateway.example.org:9100", tls: true),
                    Is.EqualTo(new ConsoleSocketTarget("wss://gateway.example.org:8080/", "wss://gateway.example.org:8080")));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("gateway.example.org:port")]
    [TestCase("gateway.example.org:9100:1")]
    [TestCase("gateway.example.org:1234567")]
    [TestCase("gateway.example.org:")]
    [TestCase("a b")]
    [TestCase("evil\"><script>")]
    [TestCase("x; connect-src *")]
    [TestCase("[::1")]
    [TestCase("[not-v6]:9100")]
    [TestCase("[::1]x")]
    [TestCase("10.1:9100")]
    [TestCase("user@host")]
    public void AHostHeaderNamingNoHost_GivesNoTarget(string? host) =>
        Assert.That(For("::", host), Is.Null);
}
