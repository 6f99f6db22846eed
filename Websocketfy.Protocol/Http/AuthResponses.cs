using System.Globalization;

namespace Websocketfy.Protocol.Http;

/// <summary>The answers to an upgrade request refused for who the client is (RFC 6750 section 3):
/// always before the upgrade, with Connection: close like every other refusal.</summary>
public static class AuthResponses
{
    /// <summary>The realm named in every challenge.</summary>
    public const string Realm = "websocketfy";

    /// <summary>401. Without a credential: <c>WWW-Authenticate: Bearer realm="websocketfy"</c> (RFC 6750
    /// section 3.1: no error code when the request had none); with a bad one, error="invalid_token".</summary>
    /// <param name="credentialGiven">A credential was presented but refused (unknown, malformed,
    /// expired, wrong signature, issuer or audience).</param>
    /// <param name="body">A short text for the person looking at the refusal; it never holds the credential.</param>
    public static byte[] Unauthorized(bool credentialGiven, string body) =>
        HttpResponses.Error(401, body, [new("WWW-Authenticate", Challenge(credentialGiven ? "invalid_token" : null))]);

    /// <summary>403 for a valid identity whose role allows nothing on this server
    /// (error="insufficient_scope", RFC 6750 section 3.1).</summary>
    public static byte[] Forbidden(string body) =>
        HttpResponses.Error(403, body, [new("WWW-Authenticate", Challenge("insufficient_scope"))]);

    /// <summary>429 with Retry-After in whole seconds (at least 1) after too many failed attempts.</summary>
    public static byte[] TooManyFailures(TimeSpan retryAfter)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return HttpResponses.Error(429, "Too many failed authentication attempts from this address; try again later.",
            [new("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>The WWW-Authenticate value: <c>Bearer realm="websocketfy"</c>, then <c>, error="..."</c>.</summary>
    public static string Challenge(string? error) =>
        error is null ? $"Bearer realm=\"{Realm}\"" : $"Bearer realm=\"{Realm}\", error=\"{error}\"";
}
