using System.Net;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

/// <summary>X-Forwarded-For: the rightmost address that is not a trusted proxy is the client.</summary>
public class ForwardedForTests
{
    // The trusted proxies of these tests: 10.0.0.0/8 and 2001:db8:ffff::/48.
    private static bool Trusted(IPAddress address) =>
        (address.GetAddressBytes() is [10, _, _, _])
        || (address.GetAddressBytes() is [0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, ..]);

    private static string? Client(string? header) => ForwardedFor.FindClient(header, Trusted)?.ToString();

    [Test]
    public void NoHeader_LeavesThePeerAsTheClient() => Assert.That(Client(null), Is.Null);

    [TestCase("")]
    [TestCase(" , ,")]
    public void EmptyList_LeavesThePeerAsTheClient(string header) => Assert.That(Client(header), Is.Null);

    [Test]
    public void SingleAddress_IsTheClient() => Assert.That(Client("203.0.113.7"), Is.EqualTo("203.0.113.7"));

    [Test]
    public void TrustedHops_AreSkippedFromTheRight() =>
        Assert.That(Client("203.0.113.7, 10.0.0.2, 10.0.0.3"), Is.EqualTo("203.0.113.7"));

    [Test]
    public void ForgedEntriesLeftOfTheClient_AreIgnored() =>
        // The client wrote "198.51.100.9" itself; the first trusted proxy appended 203.0.113.7.
        Assert.That(Client("198.51.100.9, 203.0.113.7, 10.0.0.2"), Is.EqualTo("203.0.113.7"));

    [Test]
    public void ForgedTrustedLookingEntryLeftOfTheClient_IsIgnoredToo() =>
        Assert.That(Client("10.9.9.9, 203.0.113.7"), Is.EqualTo("203.0.113.7"));

    [Test]
    public void EveryEntryTrusted_MakesTheLeftmostTheClient() =>
        Assert.That(Client("10.0.0.9, 10.0.0.2"), Is.EqualTo("10.0.0.9"));

    [TestCase("unknown")]
    [TestCase("203.0.113.7, _hidden")]
    [TestCase("2001:db8::1::2")]
    public void UnusableRightmostEntry_LeavesThePeerAsTheClient(string header) => Assert.That(Client(header), Is.Null);

    [Test]
    public void UnusableEntryBehindTrustedHops_LeavesTheNearestTrustedHop() =>
        Assert.That(Client("203.0.113.7, garbage, 10.0.0.2"), Is.EqualTo("10.0.0.2"));

    [TestCase("192.0.2.7:5123", "192.0.2.7")]
    [TestCase("2001:db8::7", "2001:db8::7")]
    [TestCase("[2001:db8::7]", "2001:db8::7")]
    [TestCase("[2001:db8::7]:5123", "2001:db8::7")]
    [TestCase("::ffff:192.0.2.7", "192.0.2.7")]
    [TestCase("203.0.113.7, 2001:db8:ffff::2", "203.0.113.7")]
    public void EntrySpellings_AreRead(string header, string client) => Assert.That(Client(header), Is.EqualTo(client));

    [TestCase("192.0.2.7:")]
    [TestCase("192.0.2.7:99999")]
    [TestCase("[2001:db8::7")]
    [TestCase("[2001:db8::7]x")]
    [TestCase("[192.0.2.7]")]
    [TestCase("010.0.0.1")]
    [TestCase("\"192.0.2.7\"")]
    public void MalformedEntries_AreNotAddresses(string entry) =>
        Assert.That(ForwardedFor.TryParseNode(entry, out _), Is.False);

    [Test]
    public void SeveralHeaderLines_AreOneListInOrder()
    {
        var head = new RequestHead("GET", "/", 1, 1,
        [
            new("Host", "x"),
            new("X-Forwarded-For", "198.51.100.9, 203.0.113.7"),
            new("x-forwarded-for", "10.0.0.2"),
        ]);
        Assert.That(ForwardedFor.FindClient(head, Trusted), Is.EqualTo(IPAddress.Parse("203.0.113.7")));
    }
}
