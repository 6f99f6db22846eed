namespace Websocketfy.Protocol.Http;

/// <summary>What the caller accepts in a handshake.</summary>
public sealed class HandshakePolicy
{
    /// <summary>Decides an Origin header value; the argument is null when the request has no Origin.
    /// Null delegate = every origin allowed.</summary>
    public Func<string?, bool>? IsOriginAllowed { get; init; }

    /// <summary>Subprotocols the server speaks, in order of preference. Empty = none.</summary>
    public IReadOnlyList<string> SupportedSubprotocols { get; init; } = [];
}

public enum HandshakeOutcome
{
    /// <summary>A valid RFC 6455 upgrade: answer with <see cref="HttpResponses.SwitchingProtocols"/>.</summary>
    Upgrade,
    /// <summary>A plain HTTP request without Upgrade: the caller may serve it (operator endpoints).</summary>
    PlainHttp,
    /// <summary>Refused: answer with <see cref="HttpResponses.Error"/> using StatusCode and Reason, then close.</summary>
    Reject,
}

/// <param name="StatusCode">101 for Upgrade, the 4xx for Reject, 0 for PlainHttp.</param>
/// <param name="Reason">For Reject: the short text body; for others: empty.</param>
public readonly record struct HandshakeDecision(
    HandshakeOutcome Outcome, int StatusCode, string Reason, string? AcceptKey, string? Subprotocol);

/// <summary>RFC 6455 section 4.2.1 validation of an upgrade request.</summary>
public static class HandshakeValidator
{
    /// <summary>GUID of RFC 6455 section 1.3.</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static HandshakeDecision Decide(RequestHead head, HandshakePolicy policy) => throw new NotImplementedException();

    /// <summary>base64(SHA-1(key + GUID)).</summary>
    public static string ComputeAcceptKey(string secWebSocketKey) => throw new NotImplementedException();
}

/// <summary>Exact bytes of the HTTP answers the server sends.</summary>
public static class HttpResponses
{
    /// <summary>"HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Sec-WebSocket-Accept
    /// and (when not null) Sec-WebSocket-Protocol.</summary>
    public static byte[] SwitchingProtocols(string acceptKey, string? subprotocol) => throw new NotImplementedException();

    /// <summary>An error answer with a short text/plain body, Content-Length and Connection: close.
    /// 426 always carries "Sec-WebSocket-Version: 13". Extra headers (e.g. Retry-After) are appended.</summary>
    public static byte[] Error(int statusCode, string body, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null) => throw new NotImplementedException();

    /// <summary>A plain answer for operator endpoints (200 /healthz, /metrics) with Connection: close.</summary>
    public static byte[] Plain(int statusCode, string contentType, string body) => throw new NotImplementedException();

    /// <summary>The standard reason phrase of a status code ("Bad Request", ...).</summary>
    public static string ReasonPhrase(int statusCode) => throw new NotImplementedException();
}
