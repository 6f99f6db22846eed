namespace Websocketfy.Protocol.Http;

/// <summary>Where a client put its credential on the upgrade request.</summary>
public enum CredentialCarrier
{
    /// <summary>No credential at all.</summary>
    None,
    /// <summary><c>Authorization: Bearer TOKEN</c> (RFC 6750 section 2.1): wscat -H, Qt, scripts.</summary>
    AuthorizationHeader,
    /// <summary><c>?access_token=TOKEN</c> (RFC 6750 section 2.3): a browser's WebSocket API cannot set headers.</summary>
    QueryParameter,
    /// <summary><c>Cookie: websocketfy_token=TOKEN</c>: pages of the same site.</summary>
    Cookie,
}

/// <summary>The credential found on a request. <see cref="Token"/> is null when none was found or when
/// the carrier held something that is not a token (<see cref="Malformed"/>): both are refused, but a
/// malformed one counts as a bad credential, not a missing one.</summary>
public readonly record struct PresentedCredential(CredentialCarrier Carrier, string? Token, bool Malformed)
{
    public bool Given => Carrier != CredentialCarrier.None;
}

/// <summary>Finds the bearer credential of an upgrade request (pure).</summary>
/// <remarks>
/// RFC 6750 asks clients to use one method per request; when several are present the first in the
/// order header, query parameter, cookie wins (a same-site cookie left over from an earlier page
/// must not shadow the token a client sends explicitly). The token must be RFC 6750's b64token
/// (letters, digits, "-._~+/", then "=" padding): JWTs and the daemon's base64url tokens are, and
/// nothing else can smuggle white space or separators into what is compared.
/// An Authorization header of another scheme (Basic, ...) is not a bearer credential: the client is
/// told, by the challenge, which scheme to use.
/// </remarks>
public static class BearerCredential
{
    public const string QueryParameterName = "access_token";
    public const string CookieName = "websocketfy_token";

    public static PresentedCredential Find(RequestHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (FromHeader(head) is { } fromHeader)
        {
            return fromHeader;
        }

        if (FromQuery(head.Target) is { } fromQuery)
        {
            return fromQuery;
        }

        return FromCookie(head) ?? new PresentedCredential(CredentialCarrier.None, null, false);
    }

    private static PresentedCredential? FromHeader(RequestHead head)
    {
        int count = head.HeaderCount("Authorization");
        if (count == 0)
        {
            return null;
        }

        string value = head.GetHeader("Authorization")!;
        int space = value.IndexOf(' ');
        string scheme = space < 0 ? value : value[..space];
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string token = space < 0 ? "" : value[(space + 1)..].TrimStart(' ');
        return Checked(CredentialCarrier.AuthorizationHeader, count == 1 ? token : null);
    }

    private static PresentedCredential? FromQuery(string target)
    {
        int query = target.IndexOf('?');
        if (query < 0)
        {
            return null;
        }

        string? found = null;
        int seen = 0;
        foreach (Range range in target.AsSpan(query + 1).Split('&'))
        {
            ReadOnlySpan<char> pair = target.AsSpan(query + 1)[range];
            int equals = pair.IndexOf('=');
            ReadOnlySpan<char> name = equals < 0 ? pair : pair[..equals];
            if (!string.Equals(PercentDecode(name.ToString()), QueryParameterName, StringComparison.Ordinal))
            {
                continue;
            }

            seen++;
            found = equals < 0 ? "" : PercentDecode(pair[(equals + 1)..].ToString());
        }

        return seen == 0 ? null : Checked(CredentialCarrier.QueryParameter, seen == 1 ? found : null);
    }

    private static PresentedCredential? FromCookie(RequestHead head)
    {
        foreach (KeyValuePair<string, string> field in head.Headers)
        {
            if (!field.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (Range range in field.Value.AsSpan().Split(';'))
            {
                ReadOnlySpan<char> pair = field.Value.AsSpan()[range].Trim(' ');
                int equals = pair.IndexOf('=');
                if (equals < 0 || !pair[..equals].SequenceEqual(CookieName))
                {
                    continue;
                }

                // RFC 6265 section 4.1.1: a cookie value may be wrapped in double quotes. Browsers send
                // the most specific cookie first when several share the name; that one is taken.
                ReadOnlySpan<char> value = pair[(equals + 1)..];
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return Checked(CredentialCarrier.Cookie, value.ToString());
            }
        }

        return null;
    }

    private static PresentedCredential Checked(CredentialCarrier carrier, string? token) =>
        token is not null && IsB64Token(token)
            ? new PresentedCredential(carrier, token, false)
            : new PresentedCredential(carrier, null, true);

    /// <summary>b64token of RFC 6750 section 2.1: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".</summary>
    private static bool IsB64Token(string token)
    {
        int end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        foreach (char c in token.AsSpan(0, end))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>application/x-www-form-urlencoded decoding ("+" is a space); a malformed escape is
    /// kept as written, so it can only make the token fail to match.</summary>
    private static string PercentDecode(string text)
    {
        if (text.IndexOfAny(['%', '+']) < 0)
        {
            return text;
        }

        return Uri.UnescapeDataString(text.Replace('+', ' '));
    }
}
