using System.Net;
using Websocketfy.Protocol.Proxy;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Protocol.Proxy;

/// <summary>Version 1, the text line (proxy-protocol.txt section 2.1), one rule per test.</summary>
public class ProxyV1Tests
{
    [Test]
    public void Tcp4Line_GivesTheClientAndTheFrontendAndLeavesTheRequest()
    {
        byte[] line = HeaderV1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        var (status, consumed, parser) = Parse([.. line, .. HttpAfter]);

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(line.Length));
        Assert.That(parser.Header, Is.EqualTo(new ProxyHeader(1, "TCP4", IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"), line.Length)));
    }

    [Test]
    public void Tcp6Line_GivesIPv6Endpoints()
    {
        var (status, _, parser) = Parse(HeaderV1("PROXY TCP6 2001:db8::1 2001:db8:0:0:0:0:0:11 56324 443\r\n"));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(parser.Header!.Source, Is.EqualTo(IPEndPoint.Parse("[2001:db8::1]:56324")));
        Assert.That(parser.Header.Destination, Is.EqualTo(IPEndPoint.Parse("[2001:db8::11]:443")));
    }

    [Test]
    public void Tcp6Line_AcceptsAMappedIPv4Address() =>
        Assert.That(Parse(HeaderV1("PROXY TCP6 ::ffff:192.0.2.7 ::1 1 2\r\n")).Parser.Header!.Source!.Address, Is.EqualTo(IPAddress.Parse("::ffff:192.0.2.7")));

    [TestCase("PROXY UNKNOWN\r\n")]
    [TestCase("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY UNKNOWN whatever the sender had in mind\r\n")]
    public void UnknownLine_IsAcceptedWithoutAnAddressWhateverFollowsTheKeyword(string line)
    {
        var (status, consumed, parser) = Parse(HeaderV1(line));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(line.Length));
        Assert.That(parser.Header!.Kind, Is.EqualTo("UNKNOWN"));
        Assert.That(parser.Header.Source, Is.Null);
    }

    [Test]
    public void LineOf107Bytes_IsAccepted()
    {
        string line = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        Assert.That(line, Has.Length.EqualTo(ProxyHeaderParser.MaxV1Length));
        Assert.That(Parse(HeaderV1(line)).Status, Is.EqualTo(ProxyParseStatus.Complete));
    }

    [Test]
    public void NoLineFeedWithin107Bytes_IsInvalidWithoutReadingFurther()
    {
        var (status, consumed, parser) = Parse(HeaderV1("PROXY UNKNOWN " + new string('f', 500)));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid));
        Assert.That(consumed, Is.EqualTo(ProxyHeaderParser.MaxV1Length));
        Assert.That(parser.Problem, Does.Contain("107"));
    }

    [Test]
    public void LineEndingInABareLineFeed_IsInvalid() =>
        Assert.That(Parse(HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")).Parser.Problem, Does.Contain("CRLF"));

    [Test]
    public void CarriageReturnInsideTheLine_IsInvalid() =>
        Assert.That(Parse(HeaderV1("PROXY UNKNOWN\rx\r\n")).Parser.Problem, Does.Contain("CR before its end"));

    [TestCase("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n")]
    [TestCase("PROXY TCP4 1..3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 ::1 5.6.7.8 1 2\r\n")]
    public void Tcp4AddressThatIsNotACanonicalDottedQuad_IsInvalid(string line) =>
        Assert.That(Parse(HeaderV1(line)).Parser.Problem, Does.Contain("canonical IPv4"));

    [TestCase("PROXY TCP6 1.2.3.4 ::1 1 2\r\n")]
    [TestCase("PROXY TCP6 [::1] ::1 1 2\r\n")]
    [TestCase("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n")]
    [TestCase("PROXY TCP6 2001:db8:::1 ::1 1 2\r\n")]
    public void Tcp6AddressThatIsNotAnIPv6Address_IsInvalid(string line) =>
        Assert.That(Parse(HeaderV1(line)).Parser.Problem, Does.Contain("IPv6"));

    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 x\r\n")]
    public void PortThatIsNotAPlainNumberUpTo65535_IsInvalid(string line) =>
        Assert.That(Parse(HeaderV1(line)).Parser.Problem, Does.Contain("port"));

    [Test]
    public void PortsAtTheEndsOfTheRange_AreAccepted()
    {
        var header = Parse(HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 0 65535\r\n")).Parser.Header!;
        Assert.That((header.Source!.Port, header.Destination!.Port), Is.EqualTo((0, 65535)));
    }

    [TestCase("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n")]
    public void FieldsNotSeparatedByExactlyOneSpace_AreInvalid(string line) =>
        Assert.That(Parse(HeaderV1(line)).Status, Is.EqualTo(ProxyParseStatus.Invalid));

    [TestCase("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY \r\n")]
    [TestCase("PROXY UNKNOWNX\r\n")]
    public void ProtocolOtherThanTcp4Tcp6OrUnknown_IsInvalid(string line) =>
        Assert.That(Parse(HeaderV1(line)).Parser.Problem, Does.Contain("not TCP4, TCP6 or UNKNOWN"));

    [Test]
    public void NonAsciiBytes_AreInvalid() =>
        Assert.That(Parse([.. HeaderV1("PROXY UNKNOWN "), 0xC3, 0xA9, .. HeaderV1("\r\n")]).Parser.Problem, Does.Contain("non-ASCII"));

    [TestCase("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("POST / HTTP/1.1\r\n")]
    [TestCase("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    public void SignatureMismatch_IsInvalidBeforeAnythingPastTheSignatureIsRead(string start)
    {
        var (status, consumed, parser) = Parse(HeaderV1(start));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid));
        Assert.That(parser.Problem, Does.Contain("signature"));
        Assert.That(consumed, Is.LessThanOrEqualTo("PROXY ".Length));
    }
}
