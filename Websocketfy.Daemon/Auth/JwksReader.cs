using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Websocketfy.Daemon.Auth;

/// <summary>
/// Reads a JWKS file (RFC 7517 <c>{"keys": [...]}</c>) into signature-checking keys, with
/// System.Text.Json's reader rather than the library's reflection-based JsonWebKey model, so the
/// native binary needs no reflection. Only public RSA keys (RS256, PS256) and P-256 EC keys (ES256)
/// are taken; the signature maths stays with .NET's RSA/ECDsa under the library's key types.
/// </summary>
internal static class JwksReader
{
    public const int MinimumRsaBits = 2048;

    /// <summary>The keys of the set; throws FormatException naming the key (by index and kid) that is wrong.</summary>
    public static IReadOnlyList<SecurityKey> Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON ({ex.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
                throw new FormatException("not a JWKS: expected an object with a \"keys\" array");
            var result = new List<SecurityKey>();
            int index = 0;
            foreach (JsonElement key in keys.EnumerateArray())
            {
                if (ReadKey(key, index) is { } securityKey) result.Add(securityKey);
                index++;
            }
            if (result.Count == 0)
                throw new FormatException("no signature key in the set (RSA or EC P-256, \"use\": \"sig\" or none)");
            return result;
        }
    }

    private static SecurityKey? ReadKey(JsonElement key, int index)
    {
        if (key.ValueKind != JsonValueKind.Object) throw new FormatException($"key {index} is not an object");
        string? kid = Text(key, "kid", index);
        string where = kid is null ? $"key {index}" : $"key {index} (kid {kid})";
        // Encryption keys are not ours to use; a set may legitimately carry them.
        if (Text(key, "use", index) is { } use && use != "sig") return null;
        string? alg = Text(key, "alg", index);
        string kty = Text(key, "kty", index) ?? throw new FormatException($"{where} has no \"kty\"");
        switch (kty)
        {
            case "RSA":
                if (alg is not (null or "RS256" or "PS256"))
                    throw new FormatException($"{where}: \"alg\" {alg} is not accepted (RS256, PS256 or ES256 only)");
                var rsaParameters = new RSAParameters { Modulus = Base64UrlField(key, "n", where), Exponent = Base64UrlField(key, "e", where) };
                if (rsaParameters.Modulus.Length * 8 < MinimumRsaBits)
                    throw new FormatException($"{where}: an RSA key of {rsaParameters.Modulus.Length * 8} bits is too weak (at least {MinimumRsaBits})");
                var rsa = RSA.Create();
                try { rsa.ImportParameters(rsaParameters); }
                catch (CryptographicException ex) { rsa.Dispose(); throw new FormatException($"{where}: not a usable RSA key ({ex.Message})"); }
                return new RsaSecurityKey(rsa) { KeyId = kid };
            case "EC":
                if (alg is not (null or "ES256"))
                    throw new FormatException($"{where}: \"alg\" {alg} is not accepted (RS256, PS256 or ES256 only)");
                if (Text(key, "crv", index) != "P-256")
                    throw new FormatException($"{where}: only the P-256 curve (ES256) is accepted");
                var ecParameters = new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64UrlField(key, "x", where), Y = Base64UrlField(key, "y", where) },
                };
                ECDsa ecdsa;
                try { ecdsa = ECDsa.Create(ecParameters); }
                catch (CryptographicException ex) { throw new FormatException($"{where}: not a usable P-256 key ({ex.Message})"); }
                return new ECDsaSecurityKey(ecdsa) { KeyId = kid };
            case "oct":
                throw new FormatException($"{where}: symmetric keys (kty oct, HS256) are not accepted; only RS256, PS256 and ES256");
            default:
                throw new FormatException($"{where}: key type {kty} is not accepted (RSA or EC)");
        }
    }

    private static string? Text(JsonElement key, string name, int index)
    {
        if (!key.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"key {index}: \"{name}\" is not a string");
    }

    private static byte[] Base64UrlField(JsonElement key, string name, string where)
    {
        string text = key.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{where} has no \"{name}\"");
        try
        {
            byte[] bytes = Base64Url.DecodeFromChars(text);
            if (bytes.Length > 0) return bytes;
        }
        catch (FormatException) { }
        throw new FormatException($"{where}: \"{name}\" is not base64url");
    }
}
