using System.Net;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>--trusted-proxies: addresses and CIDR networks.</summary>
public class NetworkListSyntaxTests : ResolverTestBase
{
    [TestCase("10.0.0.5", "10.0.0.5/32")]
    [TestCase("10.0.0.0/8", "10.0.0.0/8")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    [TestCase("::1", "::1/128")]
    [TestCase("fd00::/8", "fd00::/8")]
    [TestCase("2001:db8::/32", "2001:db8::/32")]
    public void AddressOrNetwork_IsRead(string text, string network) =>
        Assert.That(NetworkListSyntax.Parse(text).Value.Single().ToString(), Is.EqualTo(network));

    [Test]
    public void List_IsCommaSeparatedWithBlanksIgnored() =>
        Assert.That(NetworkListSyntax.Format(NetworkListSyntax.Parse(" 127.0.0.1 ,, 10.0.0.0/8, ::1 ,").Value),
            Is.EqualTo("127.0.0.1/32, 10.0.0.0/8, ::1/128"));

    [Test]
    public void EmptyText_IsAnEmptyList() => Assert.That(NetworkListSyntax.Parse("  ").Value, Is.Empty);

    [Test]
    public void FormattedList_IsReadBackUnchanged()
    {
        string text = NetworkListSyntax.Format(NetworkListSyntax.Parse("127.0.0.1, 10.0.0.0/8, fd00::/8").Value);
        Assert.That(NetworkListSyntax.Format(NetworkListSyntax.Parse(text).Value), Is.EqualTo(text));
    }

    [TestCase("10.0.0.0/8", "10.255.1.2", true)]
    [TestCase("10.0.0.0/8", "11.0.0.1", false)]
    [TestCase("10.0.0.5", "10.0.0.5", true)]
    [TestCase("10.0.0.5", "10.0.0.6", false)]
    [TestCase("fd00::/8", "fd12::1", true)]
    [TestCase("10.0.0.0/8", "::ffff:10.0.0.1", true)]
    public void Network_ContainsTheAddressesOfItsPrefix(string text, string address, bool contained) =>
        Assert.That(NetworkListSyntax.Parse(text).Value.Single().Contains(IPAddress.Parse(address)), Is.EqualTo(contained));

    [TestCase("10.1.2.3/8", "'10.1.2.3/8' has address bits set past the /8 prefix; the network is 10.0.0.0/8")]
    [TestCase("10.0.0.0/33", "'10.0.0.0/33' has a prefix length that is not a number from 0 to 32")]
    [TestCase("fd00::/129", "'fd00::/129' has a prefix length that is not a number from 0 to 128")]
    [TestCase("10.0.0.0/", "'10.0.0.0/' has a prefix length that is not a number from 0 to 32")]
    [TestCase("10.0.0.0/-1", "'10.0.0.0/-1' has a prefix length that is not a number from 0 to 32")]
    [TestCase("010.0.0.0/8", "'010.0.0.0/8' has a part with a leading zero, which other programs read as octal; write it without (e.g. 10.0.0.1)")]
    [TestCase("10.0.0/24", "'10.0.0/24' is not an IP address or a network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)")]
    [TestCase("proxy.example", "'proxy.example' is not an IP address or a network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)")]
    [TestCase("[::1]", "'[::1]' is not an IP address or a network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)")]
    [TestCase("::ffff:10.0.0.5", "'::ffff:10.0.0.5' is an IPv4 address written as IPv6; write it as 10.0.0.5")]
    public void WrongEntry_IsRefusedWithTheReason(string text, string problem) =>
        Assert.That(NetworkListSyntax.Parse("127.0.0.1, " + text).Problem, Is.EqualTo(problem));

    [Test]
    public void RepeatedOption_AddsUp() =>
        Assert.That(Succeeded(Resolve("--trusted-proxies", "10.0.0.5", "--trusted-proxies", "10.0.0.6,10.0.0.7")).TrustedProxies,
            Has.Count.EqualTo(3));

    [Test]
    public void ProxyProtocolAlone_MeansTrue() =>
        Assert.That(Succeeded(Resolve("--proxy-protocol", "--trusted-proxies", "127.0.0.1")).ProxyProtocol, Is.True);

    [Test]
    public void ProxyProtocolWithoutTrustedProxies_IsAConfigurationError() =>
        AssertRefused(Resolve("--proxy-protocol"),
            "proxy-protocol is on but trusted-proxies is empty: name the load balancers that send the PROXY header "
            + "(e.g. --trusted-proxies 10.0.0.5), or no connection could be accepted", ExitCodes.Config);

    [Test]
    public void BadTrustedProxy_IsAUsageError() =>
        AssertRefused(Resolve("--trusted-proxies", "10.1.2.3/8"),
            "--trusted-proxies: '10.1.2.3/8' has address bits set past the /8 prefix; the network is 10.0.0.0/8", ExitCodes.Usage);

    [Test]
    public void TrustedProxiesInTheEnvironment_AreRead() =>
        Assert.That(Succeeded(Resolve(TestEnvironment.With(("WEBSOCKETFY_TRUSTED_PROXIES", "10.0.0.0/8")))).TrustedProxies.Single().ToString(),
            Is.EqualTo("10.0.0.0/8"));
}
