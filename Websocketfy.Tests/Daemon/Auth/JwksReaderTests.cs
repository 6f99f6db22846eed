using System.Text;
using Microsoft.IdentityModel.Tokens;
using Websocketfy.Daemon.Auth;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Auth;

public class JwksReaderTests
{
    private static IReadOnlyList<SecurityKey> Parse(string json) => JwksReader.Parse(Encoding.UTF8.GetBytes(json));

    [Test]
    public void RsaAndEcKeys_AreRead_WithTheirKeyIds()
    {
        using var kit = new JwtKit();
        var keys = Parse(kit.Jwks());
        Assert.That(keys, Has.Count.EqualTo(2));
        Assert.That(keys[0], Is.TypeOf<RsaSecurityKey>());
        Assert.That(keys[0].KeyId, Is.EqualTo(kit.RsaKid));
        Assert.That(keys[1], Is.TypeOf<ECDsaSecurityKey>());
        Assert.That(keys[1].KeyId, Is.EqualTo(kit.EcKid));
    }

    [Test]
    public void EncryptionKeys_AreSkipped()
    {
        using var kit = new JwtKit();
        string json = kit.Jwks().Replace("\"use\":\"sig\"", "\"use\":\"enc\"");
        Assert.That(Parse(json), Has.Count.EqualTo(1));
    }

    [TestCase("""{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}""", "symmetric keys (kty oct, HS256) are not accepted")]
    [TestCase("""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AA"}]}""", "key type OKP is not accepted")]
    [TestCase("""{"keys":[{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}]}""", "only the P-256 curve")]
    [TestCase("""{"keys":[{"kty":"RSA","alg":"RS512","n":"AA","e":"AQAB"}]}""", "\"alg\" RS512 is not accepted")]
    [TestCase("""{"keys":[{"kty":"RSA","e":"AQAB"}]}""", "has no \"n\"")]
    [TestCase("""{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}""", "too weak")]
    [TestCase("""{"keys":[{"kty":"RSA","n":"*not base64*","e":"AQAB"}]}""", "\"n\" is not base64url")]
    [TestCase("""{"keys":[]}""", "no signature key")]
    [TestCase("""{"kty":"RSA"}""", "not a JWKS")]
    [TestCase("""[1,2""", "not JSON")]
    public void UnusableSet_IsRefusedSayingWhy(string json, string why) =>
        Assert.That(() => Parse(json), Throws.TypeOf<FormatException>().With.Message.Contains(why));

    [Test]
    public void PointNotOnTheCurve_IsRefused()
    {
        string x = Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.That(() => Parse($$"""{"keys":[{"kty":"EC","crv":"P-256","x":"{{x}}","y":"{{x}}"}]}"""),
            Throws.TypeOf<FormatException>().With.Message.Contains("not a usable P-256 key"));
    }
}
