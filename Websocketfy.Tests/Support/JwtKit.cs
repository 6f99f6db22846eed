using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Websocketfy.Tests.Support;

/// <summary>A token issuer for tests: its own RSA and EC keys, a JWKS file of their public halves, signed
/// tokens made by the library, and the classic forgeries made by hand (alg none, HS256 keyed with the
/// public key).</summary>
public sealed class JwtKit : IDisposable
{
    public const string Issuer = "https://idp.test";
    public const string Audience = "websocketfy-tests";

    public RSA Rsa { get; } = RSA.Create(2048);
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public string RsaKid { get; } = "rsa-" + Guid.NewGuid().ToString("N")[..8];
    public string EcKid { get; } = "ec-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The public keys as a JWKS document.</summary>
    public string Jwks(bool rsa = true, bool ec = true)
    {
        var keys = new List<string>();
        if (rsa)
        {
            RSAParameters p = Rsa.ExportParameters(false);
            keys.Add($$"""{"kty":"RSA","use":"sig","kid":"{{RsaKid}}","n":"{{B64(p.Modulus!)}}","e":"{{B64(p.Exponent!)}}"}""");
        }
        if (ec)
        {
            ECParameters p = Ec.ExportParameters(false);
            keys.Add($$"""{"kty":"EC","crv":"P-256","kid":"{{EcKid}}","x":"{{B64(p.Q.X!)}}","y":"{{B64(p.Q.Y!)}}"}""");
        }
        return "{\"keys\":[" + string.Join(",", keys) + "]}";
    }

    /// <summary>A token signed with <paramref name="algorithm"/> (RS256, PS256 with the RSA key, ES256 with the EC key).</summary>
    public string Token(string subject = "alice", object? role = null, string algorithm = SecurityAlgorithms.RsaSha256,
                        DateTime? expires = null, DateTime? notBefore = null, string issuer = Issuer, string audience = Audience,
                        bool withExpiry = true)
    {
        SecurityKey key = algorithm == SecurityAlgorithms.EcdsaSha256
            ? new ECDsaSecurityKey(Ec) { KeyId = EcKid }
            : new RsaSecurityKey(Rsa) { KeyId = RsaKid };
        DateTime now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null) claims["role"] = role;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = withExpiry ? expires ?? now.AddMinutes(10) : null,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = withExpiry };
        return handler.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (alg none) with otherwise valid claims.</summary>
    public string UnsignedToken(string subject = "mallory", string role = "admin") =>
        Header("""{"alg":"none","typ":"JWT"}""") + "." + Payload(subject, role) + ".";

    /// <summary>The classic key-confusion forgery: HS256 keyed with the bytes of the issuer's public key.</summary>
    public string Hs256WithPublicKeyAsSecret(string subject = "mallory", string role = "admin")
    {
        string signingInput = Header($$"""{"alg":"HS256","typ":"JWT","kid":"{{RsaKid}}"}""") + "." + Payload(subject, role);
        byte[] secret = Encoding.ASCII.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem());
        return signingInput + "." + B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Header(string json) => B64(Encoding.UTF8.GetBytes(json));

    private static string Payload(string subject, string role)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = subject, ["role"] = role, ["iss"] = Issuer, ["aud"] = Audience,
            ["iat"] = now - 60, ["nbf"] = now - 60, ["exp"] = now + 600,
        }));
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
    }
}
