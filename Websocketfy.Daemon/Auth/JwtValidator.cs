using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Websocketfy.Daemon.Auth;

/// <summary>What --auth jwt checks, besides the keys.</summary>
internal sealed record JwtRules(string KeysFile, string Issuer, string Audience, string NameClaim, string RoleClaim);

/// <summary>
/// --auth jwt: validates tokens with Microsoft.IdentityModel.JsonWebTokens against the keys of a JWKS
/// file (no network fetch), the issuer and the audience; RS256, PS256 and ES256 only; exp required;
/// exp and nbf with <see cref="ClockSkew"/>, by the gateway's clock (the one an open connection's expiry is checked by). Immutable: a reload that re-reads the keys
/// makes a new one.
/// </summary>
internal sealed class JwtValidator : ICredentialValidator
{
    /// <summary>Tolerated difference between our clock and the issuer's, for exp and nbf (also how long
    /// after exp an open connection lasts, so both agree).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    public static IReadOnlyList<string> Algorithms { get; } = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];

    private readonly JwtRules _rules;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    private JwtValidator(JwtRules rules, TokenValidationParameters parameters)
    {
        _rules = rules;
        _parameters = parameters;
    }

    public int KeyCount => _parameters.IssuerSigningKeys.Count();

    /// <summary>Reads the keys; throws <see cref="AuthSetupException"/> when they cannot be used.</summary>
    public static JwtValidator Load(JwtRules rules, TimeProvider clock) => new(rules, Parameters(rules, ReadKeys(rules.KeysFile), clock));

    public async ValueTask<CredentialCheck> CheckAsync(string token)
    {
        TokenValidationResult result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid)
            return Refusal(result.Exception);
        var jwt = (JsonWebToken)result.SecurityToken;
        ClaimsIdentity claims = result.ClaimsIdentity;
        string? name = claims.FindFirst(_rules.NameClaim)?.Value;
        if (string.IsNullOrEmpty(name))
            return CredentialCheck.Refused(AuthFailure.Invalid, $"no '{_rules.NameClaim}' claim");
        var roles = new List<string>();
        foreach (Claim claim in claims.FindAll(_rules.RoleClaim)) roles.Add(claim.Value);
        return CredentialCheck.Valid(new Principal(name, roles, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)));
    }

    private static TokenValidationParameters Parameters(JwtRules rules, IReadOnlyList<SecurityKey> keys, TimeProvider clock) => new()
    {
        // The library's own check reads the system clock; this one the gateway's, so a token's lifetime is
        // judged by one clock at the upgrade and while the connection is open. Same rules and exceptions.
        LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, clock.GetUtcNow().UtcDateTime),
        ValidIssuer = rules.Issuer,
        ValidAudience = rules.Audience,
        IssuerSigningKeys = keys,
        ValidAlgorithms = Algorithms,
        ClockSkew = ClockSkew,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        TryAllIssuerSigningKeys = true,
        NameClaimType = rules.NameClaim,
        RoleClaimType = rules.RoleClaim,
    };

    private static bool CheckLifetime(DateTime? notBefore, DateTime? expires, DateTime now)
    {
        if (expires is null) throw new SecurityTokenNoExpirationException("no exp");
        if (notBefore > expires) throw new SecurityTokenInvalidLifetimeException("nbf is after exp");
        if (notBefore > now + ClockSkew) throw new SecurityTokenNotYetValidException("nbf is in the future");
        if (expires < now - ClockSkew) throw new SecurityTokenExpiredException("exp has passed");
        return true;
    }

    private static IReadOnlyList<SecurityKey> ReadKeys(string path)
    {
        byte[] json;
        try { json = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthSetupException($"JWT keys file {path} cannot be read: {ex.Message}");
        }
        try { return JwksReader.Parse(json); }
        catch (FormatException ex) { throw new AuthSetupException($"JWT keys file {path}: {ex.Message}"); }
    }

    /// <summary>A short, credential-free reason for the log; expiry is told apart for the metrics.</summary>
    private static CredentialCheck Refusal(Exception? error) => error switch
    {
        SecurityTokenExpiredException => CredentialCheck.Refused(AuthFailure.Expired, "token expired"),
        SecurityTokenNotYetValidException => CredentialCheck.Refused(AuthFailure.Expired, "token not yet valid"),
        SecurityTokenNoExpirationException => CredentialCheck.Refused(AuthFailure.Invalid, "token has no exp"),
        SecurityTokenInvalidAlgorithmException => CredentialCheck.Refused(AuthFailure.Invalid, "signature algorithm not accepted"),
        SecurityTokenSignatureKeyNotFoundException => CredentialCheck.Refused(AuthFailure.Invalid, "signed by an unknown key"),
        SecurityTokenInvalidSignatureException => CredentialCheck.Refused(AuthFailure.Invalid, "bad or missing signature"),
        SecurityTokenInvalidIssuerException => CredentialCheck.Refused(AuthFailure.Invalid, "wrong issuer"),
        SecurityTokenInvalidAudienceException => CredentialCheck.Refused(AuthFailure.Invalid, "wrong audience"),
        SecurityTokenMalformedException => CredentialCheck.Refused(AuthFailure.Invalid, "malformed token"),
        null => CredentialCheck.Refused(AuthFailure.Invalid, "invalid token"),
        _ => CredentialCheck.Refused(AuthFailure.Invalid, "invalid token (" + error.GetType().Name + ")"),
    };
}
