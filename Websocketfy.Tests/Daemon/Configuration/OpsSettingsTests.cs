using System.Net;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Configuration.Syntax;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>--ops-bind, --log-format and --siren-probe-interval, as read from every place.</summary>
public sealed class OpsSettingsTests : ResolverTestBase
{
    [TestCase("127.0.0.1:9100", "127.0.0.1", 9100)]
    [TestCase("0.0.0.0:9100", "0.0.0.0", 9100)]
    [TestCase("[::1]:9100", "::1", 9100)]
    [TestCase("[::]:0", "::", 0)]
    public void OpsBind_IsAnAddressAndPort(string text, string address, int port)
    {
        IPEndPoint? endpoint = EndpointSyntax.ParseOptionalListenEndpoint(text).Value;
        Assert.That(endpoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
        Assert.That(EndpointSyntax.ParseOptionalListenEndpoint(EndpointSyntax.Format(endpoint)).Value, Is.EqualTo(endpoint), "read back");
    }

    [Test]
    public void OpsBind_Empty_IsOff() => Assert.That(EndpointSyntax.ParseOptionalListenEndpoint("").Value, Is.Null);

    [TestCase("9100", "is not an address and port")]
    [TestCase("127.0.0.1", "is not an address and port")]
    [TestCase("127.0.0.1:", "is not an address and port")]
    [TestCase(":9100", "is not an address and port")]
    [TestCase("::1:9100", "put an IPv6 address in brackets")]
    [TestCase("localhost:9100", "is not an IP address")]
    [TestCase("127.0.0.1:70000", "is not a port number")]
    [TestCase("127.0.0.1:http", "is not a port number")]
    public void OpsBind_RefusesWhatIsNotOne(string text, string problem) =>
        Assert.That(EndpointSyntax.ParseOptionalListenEndpoint(text).Problem, Does.StartWith($"'{text}'").And.Contain(problem));

    [Test]
    public void OpsBind_FromTheCommandLine() =>
        Assert.That(Succeeded(Resolve("--ops-bind", "127.0.0.1:9100")).OpsBind, Is.EqualTo(new IPEndPoint(IPAddress.Loopback, 9100)));

    [Test]
    public void OpsBind_BadValue_IsAUsageError()
    {
        OptionsResolution resolution = Resolve("--ops-bind", "9100");
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(resolution.Error, Does.StartWith("--ops-bind: '9100'"));
    }

    [TestCase("auto", LogFormat.Auto)]
    [TestCase("simple", LogFormat.Simple)]
    [TestCase("SYSTEMD", LogFormat.Systemd)]
    [TestCase("Json", LogFormat.Json)]
    public void LogFormat_ByName(string text, LogFormat format)
    {
        Assert.That(LogFormatSyntax.Parse(text).Value, Is.EqualTo(format));
        Assert.That(LogFormatSyntax.Parse(LogFormatSyntax.Format(format)).Value, Is.EqualTo(format));
    }

    [Test]
    public void LogFormat_RefusesOtherWords() =>
        Assert.That(LogFormatSyntax.Parse("syslog").Problem, Is.EqualTo("'syslog' is not a log format (auto, simple, systemd or json)"));

    [Test]
    public void LogFormat_FromTheEnvironment() =>
        Assert.That(Succeeded(Resolve(name => name == "WEBSOCKETFY_LOG_FORMAT" ? "json" : null)).LogFormat, Is.EqualTo(LogFormat.Json));

    [Test]
    public void SirenProbeInterval_ZeroMeansOff() =>
        Assert.That(Succeeded(Resolve("--siren-probe-interval", "0")).SirenProbeInterval, Is.EqualTo(TimeSpan.Zero));
}
