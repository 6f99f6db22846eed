using System.Text;
using Websocketfy.Protocol.Proxy;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Protocol.Proxy;

/// <summary>Telling a PROXY header sent to a port that does not expect one from a malformed HTTP request.</summary>
public class ProxySignatureTests
{
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [TestCase("PROXY ")]
    public void Version1Line_StartsAHeader(string start) =>
        Assert.That(ProxySignature.StartsHeader(Encoding.ASCII.GetBytes(start)), Is.True);

    [Test]
    public void Version2Signature_StartsAHeaderFromItsFifthByteOn()
    {
        for (int length = 0; length <= Signature.Length; length++)
            Assert.That(ProxySignature.StartsHeader(Signature.AsSpan(0, length)), Is.EqualTo(length >= 5), $"{length} bytes");
        Assert.That(ProxySignature.StartsHeader(HeaderV2(CommandLocal, Unspec, [])), Is.True);
    }

    [TestCase("GET / HTTP/1.1\r\n")]
    [TestCase("PROXY")]
    [TestCase("PROXYX")]
    [TestCase("PUT / HTTP/1.1\r\n")]
    [TestCase("\r\n\r\nGET / HTTP/1.1\r\n")]
    [TestCase("")]
    public void HttpAndOtherText_DoesNotStartAHeader(string start) =>
        Assert.That(ProxySignature.StartsHeader(Encoding.ASCII.GetBytes(start)), Is.False);
}
