using System.Net;
using Websocketfy.Protocol.Proxy;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Protocol.Proxy;

/// <summary>Version 2, the binary header (proxy-protocol.txt section 2.2), one rule per test.</summary>
public class ProxyV2Tests
{
    [Test]
    public void ProxyTcpIPv4_GivesTheClientAndLeavesTheRequest()
    {
        // sig | 0x21 = v2 PROXY | 0x11 = INET STREAM | len 12 | 203.0.113.7 10.0.0.1 51234 8080
        byte[] header = HeaderV2(CommandProxy, TcpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 51234, 8080));
        var (status, consumed, parser) = Parse([.. header, .. HttpAfter]);

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(28));
        Assert.That(parser.Header, Is.EqualTo(new ProxyHeader(2, "PROXY TCP/IPv4", IPEndPoint.Parse("203.0.113.7:51234"), IPEndPoint.Parse("10.0.0.1:8080"), 28)));
    }

    [Test]
    public void ProxyTcpIPv6_GivesIPv6Endpoints()
    {
        var (status, consumed, parser) = Parse(HeaderV2(CommandProxy, TcpIPv6, AddressBlock("2001:db8::7", "2001:db8::1", 443, 8443)));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(16 + 36));
        Assert.That(parser.Header!.Source, Is.EqualTo(IPEndPoint.Parse("[2001:db8::7]:443")));
        Assert.That(parser.Header.Destination, Is.EqualTo(IPEndPoint.Parse("[2001:db8::1]:8443")));
    }

    [Test]
    public void TlvsAfterTheAddresses_AreSkippedAndCountedInTheHeader()
    {
        byte[] tlvs = [.. Tlv(0x01, "http/1.1"u8.ToArray()), .. Tlv(0x02, "viewer.example"u8.ToArray()), .. Tlv(0x20, new byte[40])];
        byte[] header = HeaderV2(CommandProxy, TcpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 1, 2, tlvs));
        var (status, consumed, parser) = Parse([.. header, .. HttpAfter]);

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(header.Length));
        Assert.That(parser.Header!.Source, Is.EqualTo(IPEndPoint.Parse("203.0.113.7:1")));
    }

    [Test]
    public void Local_AsHealthChecksSendIt_CarriesNoAddress()
    {
        // sig | 0x20 = v2 LOCAL | 0x00 = UNSPEC | len 0
        var (status, consumed, parser) = Parse([.. HeaderV2(CommandLocal, Unspec, []), .. HttpAfter]);

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(16));
        Assert.That(parser.Header, Is.EqualTo(new ProxyHeader(2, "LOCAL", null, null, 16)));
    }

    [Test]
    public void Local_WithAnAddressBlock_SkipsItAndIgnoresTheAddresses()
    {
        var (status, consumed, parser) = Parse(HeaderV2(CommandLocal, TcpIPv4, AddressBlock("198.51.100.1", "10.0.0.1", 1, 2)));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(28));
        Assert.That(parser.Header!.Source, Is.Null);
    }

    [TestCase(UnixStream, 216, "PROXY UNIX")]
    [TestCase(0x32, 216, "PROXY UNIX")]
    [TestCase(Unspec, 0, "PROXY UNSPEC")]
    [TestCase(0x10, 12, "PROXY UNSPEC")]
    [TestCase(UdpIPv4, 12, "PROXY UDP/IPv4")]
    [TestCase(0x22, 36, "PROXY UDP/IPv6")]
    public void FamiliesATcpServerCannotUse_FallBackToTheConnectionsOwnPeer(int familyAndTransport, int blockLength, string kind)
    {
        var (status, consumed, parser) = Parse(HeaderV2(CommandProxy, familyAndTransport, new byte[blockLength]));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(16 + blockLength));
        Assert.That(parser.Header!.Kind, Is.EqualTo(kind));
        Assert.That(parser.Header.Source, Is.Null);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(15)]
    public void VersionOtherThan2_IsInvalidOnceTheFixedPartIsIn(int version)
    {
        var (status, consumed, parser) = Parse(HeaderV2(CommandProxy, TcpIPv4, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2), version));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid));
        Assert.That(consumed, Is.EqualTo(16));
        Assert.That(parser.Problem, Does.Contain("version"));
    }

    [TestCase(2)]
    [TestCase(15)]
    public void CommandOtherThanLocalOrProxy_IsInvalid(int command) =>
        Assert.That(Parse(HeaderV2(command, TcpIPv4, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2))).Parser.Problem, Does.Contain("command"));

    [TestCase(0x41)]
    [TestCase(0xF1)]
    public void UndefinedFamily_IsInvalid(int familyAndTransport) =>
        Assert.That(Parse(HeaderV2(CommandProxy, familyAndTransport, new byte[12])).Parser.Problem, Does.Contain("family"));

    [TestCase(0x13)]
    [TestCase(0x1F)]
    public void UndefinedTransport_IsInvalid(int familyAndTransport) =>
        Assert.That(Parse(HeaderV2(CommandProxy, familyAndTransport, new byte[12])).Parser.Problem, Does.Contain("transport"));

    [TestCase(TcpIPv4, 11)]
    [TestCase(TcpIPv4, 0)]
    [TestCase(TcpIPv6, 35)]
    [TestCase(TcpIPv6, 12)]
    public void AddressBlockShorterThanTheFamilyNeeds_IsInvalid(int familyAndTransport, int blockLength) =>
        Assert.That(Parse(HeaderV2(CommandProxy, familyAndTransport, new byte[blockLength])).Parser.Problem, Does.Contain("fewer than"));

    [Test]
    public void BlockAtTheBound_IsAccepted() =>
        Assert.That(Parse(HeaderV2(CommandProxy, TcpIPv4, new byte[ProxyHeaderParser.MaxV2BlockLength])).Status, Is.EqualTo(ProxyParseStatus.Complete));

    [Test]
    public void BlockAboveTheBound_IsInvalidBeforeItIsRead()
    {
        var (status, consumed, parser) = Parse(HeaderV2(CommandProxy, TcpIPv4, new byte[ProxyHeaderParser.MaxV2BlockLength + 1]));

        Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid));
        Assert.That(consumed, Is.EqualTo(16));
        Assert.That(parser.Problem, Does.Contain("4097"));
    }

    [Test]
    public void SignatureMismatch_IsInvalidBeforeTheFixedPartIsComplete()
    {
        for (int wrong = 1; wrong < Signature.Length; wrong++)
        {
            byte[] header = HeaderV2(CommandProxy, TcpIPv4, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2));
            header[wrong] ^= 0x40;
            var (status, consumed, parser) = Parse(header);

            Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid), $"byte {wrong}");
            Assert.That(parser.Problem, Does.Contain("signature"), $"byte {wrong}");
            Assert.That(consumed, Is.LessThanOrEqualTo(16), $"byte {wrong}");
        }
    }

    [Test]
    public void ParserAfterTheEnd_ConsumesNothingAndRepeatsItsAnswer()
    {
        var parser = new ProxyHeaderParser();
        parser.Feed(HeaderV2(CommandLocal, Unspec, []), out _);

        Assert.That(parser.Feed(HttpAfter, out int consumed), Is.EqualTo(ProxyParseStatus.Complete));
        Assert.That(consumed, Is.Zero);
    }
}
