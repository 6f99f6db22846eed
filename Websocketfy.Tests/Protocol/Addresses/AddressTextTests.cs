using System.Net;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Tests.Protocol.Addresses;

public class AddressTextTests
{
    [TestCase("0.0.0.0")]
    [TestCase("127.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("192.0.2.10")]
    public void CanonicalDottedQuad_IsRead(string text)
    {
        Assert.That(AddressText.TryParseIPv4(text, out IPAddress address), Is.True);
        Assert.That(address, Is.EqualTo(IPAddress.Parse(text)));
    }

    [TestCase("")]
    [TestCase("10.1")]
    [TestCase("1.2.3")]
    [TestCase("1.2.3.4.")]
    [TestCase(".1.2.3.4")]
    [TestCase("1.2.3.4.5")]
    [TestCase("256.0.0.1")]
    [TestCase("010.0.0.1")]
    [TestCase("1.2.3.00")]
    [TestCase("1.2.3.0004")]
    [TestCase("1.2.3.-4")]
    [TestCase("1.2.3.4 ")]
    [TestCase("0x7f.0.0.1")]
    [TestCase("2130706433")]
    public void AnythingElse_IsNotAnIPv4Address(string text) =>
        Assert.That(AddressText.TryParseIPv4(text, out _), Is.False);

    [TestCase("::1")]
    [TestCase("2001:db8::7")]
    [TestCase("2001:DB8:0:0:0:0:0:7")]
    [TestCase("::ffff:192.0.2.7")]
    public void IPv6Text_IsRead(string text) =>
        Assert.That(AddressText.TryParseIPv6(text, out IPAddress address) && address.Equals(IPAddress.Parse(text)), Is.True);

    [TestCase("1.2.3.4")]
    [TestCase("[::1]")]
    [TestCase("fe80::1%eth0")]
    [TestCase("fe80::1%2")]
    [TestCase("2001:db8:::7")]
    [TestCase("::1 ")]
    [TestCase("g::1")]
    public void AnythingElse_IsNotAnIPv6Address(string text) =>
        Assert.That(AddressText.TryParseIPv6(text, out _), Is.False);

    [TestCase("0", 0)]
    [TestCase("8080", 8080)]
    [TestCase("65535", 65535)]
    public void DecimalPort_IsRead(string text, int expected) =>
        Assert.That(AddressText.TryParsePort(text, out int port) && port == expected, Is.True);

    [TestCase("")]
    [TestCase("65536")]
    [TestCase("080")]
    [TestCase("+80")]
    [TestCase("8 0")]
    [TestCase("123456")]
    public void AnythingElse_IsNotAPort(string text) =>
        Assert.That(AddressText.TryParsePort(text, out _), Is.False);

    [Test]
    public void MappedIPv4_IsCanonicallyPlainIPv4() =>
        Assert.That(AddressText.Canonical(IPAddress.Parse("::ffff:192.0.2.7")), Is.EqualTo(IPAddress.Parse("192.0.2.7")));
}
