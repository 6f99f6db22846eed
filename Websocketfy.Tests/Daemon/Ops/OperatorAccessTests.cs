using System.Net;
using System.Text;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>Who is served /healthz and /metrics on the main port: a pure function of the client address.</summary>
public sealed class OperatorAccessTests
{
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.2")]
    [TestCase("127.255.255.254")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("::ffff:127.1.2.3")]
    public void LoopbackClients_AreServed_WithoutOpsBind(string client)
    {
        Assert.That(OperatorAccess.ServesOnMainPort(IPAddress.Parse(client), separateListener: false), Is.True);
        Assert.That(OperatorAccess.ServesOnMainPort(IPAddress.Parse(client), separateListener: true), Is.False, "ops-bind moves them");
    }

    [TestCase("10.0.0.5")]
    [TestCase("192.168.1.20")]
    [TestCase("128.0.0.1")]
    [TestCase("126.255.255.255")]
    [TestCase("0.0.0.0")]
    [TestCase("::")]
    [TestCase("::2")]
    [TestCase("fe80::1")]
    [TestCase("2001:db8::1")]
    [TestCase("::ffff:10.0.0.5")]
    [TestCase("::127.0.0.1")]
    public void OtherClients_AreNotServed(string client) =>
        Assert.That(OperatorAccess.ServesOnMainPort(IPAddress.Parse(client), separateListener: false), Is.False);
}
