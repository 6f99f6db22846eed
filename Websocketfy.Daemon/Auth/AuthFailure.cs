namespace Websocketfy.Daemon.Auth;

/// <summary>Why an upgrade was refused for who the client is; each is a label of
/// websocketfy_auth_failures_total{reason=...}.</summary>
internal enum AuthFailure
{
    None,
    /// <summary>No credential: 401 without an error code.</summary>
    Missing,
    /// <summary>A credential that is malformed, unknown, badly signed, or for another issuer or audience: 401 invalid_token.</summary>
    Invalid,
    /// <summary>A JWT past its exp or before its nbf (with the allowed skew): 401 invalid_token.</summary>
    Expired,
    /// <summary>A valid identity whose role allows nothing here (or is unknown): 403.</summary>
    Forbidden,
    /// <summary>Too many failures from the address: 429.</summary>
    RateLimited,
}

internal static class AuthFailureNames
{
    public static string Label(AuthFailure failure) => failure switch
    {
        AuthFailure.Missing => "missing",
        AuthFailure.Invalid => "invalid",
        AuthFailure.Expired => "expired",
        AuthFailure.Forbidden => "forbidden",
        AuthFailure.RateLimited => "rate_limited",
        _ => "none",
    };
}

/// <summary>The result of checking one credential: a principal, or the failure and a short detail for the
/// log (never the credential itself).</summary>
internal readonly record struct CredentialCheck(Principal? Principal, AuthFailure Failure, string Detail)
{
    public static CredentialCheck Valid(Principal principal) => new(principal, AuthFailure.None, "");
    public static CredentialCheck Refused(AuthFailure failure, string detail) => new(null, failure, detail);
}

/// <summary>Checks a presented bearer token (token file or JWT).</summary>
internal interface ICredentialValidator
{
    ValueTask<CredentialCheck> CheckAsync(string token);
}
