using System.Net;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Tests.Daemon.Configuration;

public class AddressSyntaxTests
{
    [TestCase("127.0.0.1:3434", "127.0.0.1", 3434)]
    [TestCase("siren.example.org:4000", "siren.example.org", 4000)]
    [TestCase("siren:65535", "siren", 65535)]
    [TestCase("[::1]:3434", "::1", 3434)]
    [TestCase("[2001:db8::7]:1", "2001:db8::7", 1)]
    [TestCase("[::1]", "::1", SirenAddress.DefaultPort)]
    [TestCase("siren.local", "siren.local", SirenAddress.DefaultPort)]
    public void SirenAddress_AcceptsHostPortBracketedIPv6AndHostAlone(string text, string host, int port) =>
        Assert.That(SirenAddress.Parse(text).Value, Is.EqualTo(new SirenAddress(host, port)));

    [TestCase("", "empty value (expected host:port, e.g. 127.0.0.1:3434)")]
    [TestCase("::1:3434", "'::1:3434' is ambiguous: write an IPv6 address in brackets, e.g. [::1]:3434")]
    [TestCase("[::1:3434", "'[::1:3434' has no closing ']'")]
    [TestCase("[10.0.0.1]:3434", "'[10.0.0.1]:3434' has no IPv6 address inside the brackets")]
    [TestCase("[::1]3434", "'[::1]3434' has text after ']' that is not ':port'")]
    [TestCase(":3434", "':3434' does not start with a host name or IPv4 address")]
    [TestCase("10.1:3434", "'10.1:3434' does not start with a host name or IPv4 address")]
    [TestCase("010.0.0.1:3434", "'010.0.0.1:3434' does not start with a host name or IPv4 address")]
    [TestCase("bad host:3434", "'bad host:3434' does not start with a host name or IPv4 address")]
    [TestCase("siren:0", "'siren:0' does not end with a port number (1-65535)")]
    [TestCase("siren:65536", "'siren:65536' does not end with a port number (1-65535)")]
    [TestCase("siren:", "'siren:' does not end with a port number (1-65535)")]
    [TestCase("[::1]:http", "'[::1]:http' does not end with a port number (1-65535)")]
    public void SirenAddress_RefusesWhatItCannotConnectTo(string text, string problem) =>
        Assert.That(SirenAddress.Parse(text).Problem, Is.EqualTo(problem));

    [TestCase("127.0.0.1:3434")]
    [TestCase("[::1]:3434")]
    [TestCase("siren.local:9")]
    public void SirenAddress_ToString_IsReadBackUnchanged(string text) =>
        Assert.That(SirenAddress.Parse(text).Value.ToString(), Is.EqualTo(text));

    [TestCase("::", "::")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    [TestCase("127.0.0.1", "127.0.0.1")]
    [TestCase("::1", "::1")]
    [TestCase("[::1]", "::1")]
    [TestCase("fe80::1", "fe80::1")]
    public void BindAddress_AcceptsIPLiterals(string text, string expected) =>
        Assert.That(AddressSyntax.ParseBindAddress(text).Value, Is.EqualTo(IPAddress.Parse(expected)));

    [TestCase("8080")]
    [TestCase("10.1")]
    [TestCase("256.0.0.1")]
    [TestCase("localhost")]
    [TestCase("")]
    [TestCase(":::")]
    public void BindAddress_RefusesAnythingButAFullIPLiteral(string text) =>
        Assert.That(AddressSyntax.ParseBindAddress(text).Problem,
            Is.EqualTo($"'{text}' is not an IP address (e.g. :: for all interfaces, 0.0.0.0, 127.0.0.1)"));

    // .NET's own parser (and inet_aton) read these as octal: 010.0.0.1 would be 8.0.0.1.
    [TestCase("010.0.0.1")]
    [TestCase("127.000.000.001")]
    [TestCase("10.0.0.08")]
    public void BindAddress_RefusesLeadingZeros_WhichOtherProgramsReadAsOctal(string text) =>
        Assert.That(AddressSyntax.ParseBindAddress(text).Problem,
            Is.EqualTo($"'{text}' has a part with a leading zero, which other programs read as octal; write it without (e.g. 10.0.0.1)"));

    [TestCase("0", 0)]
    [TestCase("1", 1)]
    [TestCase("8080", 8080)]
    [TestCase("65535", 65535)]
    public void ListenPort_AcceptsZeroToMeanAnyFreePort(string text, int expected) =>
        Assert.That(PortSyntax.ParseListenPort(text).Value, Is.EqualTo(expected));

    [TestCase("65536")]
    [TestCase("-1")]
    [TestCase("+80")]
    [TestCase("80 ")]
    [TestCase("http")]
    [TestCase("")]
    public void ListenPort_RefusesNumbersOutsideThePortRange(string text) =>
        Assert.That(PortSyntax.ParseListenPort(text).Problem,
            Is.EqualTo($"'{text}' is not a port number (1-65535, or 0 for any free port)"));

    [Test]
    public void RemotePort_RefusesZero() =>
        Assert.That(PortSyntax.ParseRemotePort("0").Problem, Is.EqualTo("'0' is not a port number (1-65535)"));
}
