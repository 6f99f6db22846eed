using System.Text;

namespace Websocketfy.Protocol.Http;

/// <summary>Exact bytes of the HTTP answers the server sends.</summary>
/// <remarks>
/// Every answer but 101 carries Content-Length and "Connection: close": the server answers one
/// request per connection and closes, so the client never has to guess where the body ends.
/// Header values handed in are checked for CR, LF and other control characters, which would
/// otherwise let a value end its line and inject a header.
/// </remarks>
public static class HttpResponses
{
    /// <summary>"HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Sec-WebSocket-Accept
    /// and (when not null) Sec-WebSocket-Protocol.</summary>
    public static byte[] SwitchingProtocols(string acceptKey, string? subprotocol)
    {
        var head = new StringBuilder(160);
        AppendStatusLine(head, 101);
        AppendHeader(head, "Upgrade", "websocket");
        AppendHeader(head, "Connection", "Upgrade");
        AppendHeader(head, "Sec-WebSocket-Accept", acceptKey);
        if (subprotocol is not null)
        {
            AppendHeader(head, "Sec-WebSocket-Protocol", subprotocol);
        }
        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>An error answer with a short text/plain body, Content-Length and Connection: close.
    /// 426 always carries "Sec-WebSocket-Version: 13". Extra headers (e.g. Retry-After) are appended.</summary>
    /// <remarks>The body sent is <paramref name="body"/> followed by "\n", so the text ends its line
    /// in a terminal (curl, wscat). 405 always carries "Allow: GET", which RFC 9110 section 15.5.6
    /// requires; GET is the only method the server serves.</remarks>
    public static byte[] Error(int statusCode, string body, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var headers = new List<KeyValuePair<string, string>>();
        if (statusCode == 426)
        {
            headers.Add(new("Sec-WebSocket-Version", HandshakeValidator.SupportedVersion));
        }
        if (statusCode == 405)
        {
            headers.Add(new("Allow", "GET"));
        }
        if (extraHeaders is not null)
        {
            headers.AddRange(extraHeaders);
        }
        return WithBody(statusCode, "text/plain; charset=utf-8", body + "\n", headers);
    }

    /// <summary>A plain answer for operator endpoints (200 /healthz, /metrics, the console page) with
    /// Connection: close and any extra headers (Content-Security-Policy, ...).</summary>
    /// <remarks>The body is sent exactly as given (UTF-8), with no newline added: the caller owns the
    /// format (the Prometheus text format, for one, already ends its lines).</remarks>
    public static byte[] Plain(int statusCode, string contentType, string body, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WithBody(statusCode, contentType, body, extraHeaders is null ? [] : [.. extraHeaders]);
    }

    /// <summary>The answer to a HEAD request for the same target: <paramref name="answer"/>'s status line
    /// and headers (Content-Length included, RFC 9110 section 9.3.2) without its body.</summary>
    public static byte[] HeadOnly(byte[] answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        int end = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) throw new ArgumentException("not an HTTP answer: no end of head", nameof(answer));
        return answer[..(end + 4)];
    }

    /// <summary>The standard reason phrase of a status code ("Bad Request", ...).</summary>
    /// <remarks>Empty for codes not listed: RFC 9112 section 4 allows an empty reason phrase.</remarks>
    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    };

    private static byte[] WithBody(int statusCode, string contentType, string body,
                                   IReadOnlyList<KeyValuePair<string, string>> extraHeaders)
    {
        int bodyLength = Encoding.UTF8.GetByteCount(body);
        var head = new StringBuilder(160);
        AppendStatusLine(head, statusCode);
        AppendHeader(head, "Content-Type", contentType);
        AppendHeader(head, "Content-Length", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AppendHeader(head, "Connection", "close");
        foreach (KeyValuePair<string, string> header in extraHeaders)
        {
            AppendHeader(head, header.Key, header.Value);
        }
        head.Append("\r\n");

        byte[] answer = new byte[head.Length + bodyLength];
        int headLength = Encoding.ASCII.GetBytes(head.ToString(), answer);
        Encoding.UTF8.GetBytes(body, answer.AsSpan(headLength));
        return answer;
    }

    private static void AppendStatusLine(StringBuilder head, int statusCode)
    {
        // The status code is exactly three digits (RFC 9110 section 15).
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 999);
        head.Append("HTTP/1.1 ").Append(statusCode).Append(' ').Append(ReasonPhrase(statusCode)).Append("\r\n");
    }

    private static void AppendHeader(StringBuilder head, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpSyntax.IsToken(name))
        {
            throw new ArgumentException($"Header name is not an HTTP token: \"{name}\".", nameof(name));
        }
        if (!HttpSyntax.IsSafeOutgoingValue(value))
        {
            throw new ArgumentException($"Header {name} has a value with control or non-ASCII characters.", nameof(value));
        }
        head.Append(name).Append(": ").Append(value).Append("\r\n");
    }
}
